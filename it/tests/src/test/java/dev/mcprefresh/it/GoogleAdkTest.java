package dev.mcprefresh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Google ADK for Java 1.8.0 (it/adk-1.8): an McpToolset whose Streamable HTTP connection parameters carry a static
 * bearer header, its tool run directly (no model), against a real MCP SDK server that checks every token with the
 * real authorization server. ADK builds the MCP SDK 1.1.2 transport itself and adds its headers with
 * {@code HttpRequest.Builder.header}, which appends: the agent must leave exactly one Authorization header.
 */
class GoogleAdkTest extends WithItServers {
    @Test
    void toolsetWithStaticHeaderFailsWithoutAgentAndKeepsWorkingWithItOneHeaderPerRequest() throws Exception {
        McpServerProcess server = servers.mcp("2.1", "streamable");
        long severalBefore = server.gateStat("severalAuthorizations");
        long acceptedBefore = server.gateStat("accepted");
        KeepAliveScenario.run(servers.as, server, "adk-1.8", "headers", servers.work,
                "MCP transport to " + server.mcpUrl + " takes its tokens");
        assertTrue(server.gateStat("accepted") - acceptedBefore >= KeepAliveScenario.CALLS,
                "the gate saw the calls it counts");
        assertEquals(severalBefore, server.gateStat("severalAuthorizations"),
                "ADK's header and the agent's must never both reach the server");
    }

    /** The failure without the agent is the expiry: with a token that outlives the run, plain ADK works. */
    @Test
    void withoutAgentAValidTokenWorks() throws Exception {
        McpServerProcess server = servers.mcp("2.1", "streamable");
        Secrets secrets = new Secrets();
        Path dir = Files.createDirectories(servers.work.resolve("adk-long-token"));
        AuthorizationServer.Tokens tokens = servers.as.login("app-long"); // 300 s
        secrets.add(tokens);
        long severalBefore = server.gateStat("severalAuthorizations");
        try (ClientRun plain = ClientRun.start("adk-1.8", "headers", server.baseUrl, tokens.accessToken(), null, 3,
                100, dir).finish()) {
            assertEquals(3, plain.ok, plain.output());
            secrets.assertNotIn(plain.process.name(), plain.output());
        }
        assertEquals(severalBefore, server.gateStat("severalAuthorizations"), "ADK alone sends one header");
    }
}
