package dev.mcprefresh.it;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Spring Boot apps on Spring AI's MCP client starter (1.1.0 and 1.1.7, the oldest and newest of the 1.1 line, on
 * MCP SDK 0.16 and 0.18; 2.0.0 on SDK 2.0), configured by
 * properties and given a static bearer header by the customizer bean each version documents. The app starts, calls
 * a tool, waits past the token's expiry and calls again, over three lifetimes: without the agent it fails, with it
 * every call succeeds.
 */
class SpringAiStarterTest extends WithItServers {
    @ParameterizedTest(name = "{0}")
    // The last runs the Spring Boot executable jar (java -jar): the SDK nested in it, behind Boot's class loader.
    @ValueSource(strings = {"spring-ai-1.1.0", "spring-ai-1.1.7", "spring-ai-2.0", "spring-ai-1.1.7-jar"})
    void expiredStaticTokenFailsWithoutAgentAndIsRefreshedWithIt(String app) throws Exception {
        McpServerProcess server = servers.mcp("2.1", "streamable");
        KeepAliveScenario.run(servers.as, server, app, "starter", servers.work,
                "MCP transport to " + server.mcpUrl + " takes its tokens");
    }
}
