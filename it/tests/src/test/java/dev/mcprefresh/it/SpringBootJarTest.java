package dev.mcprefresh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Spring AI apps on the WebFlux MCP client starter (1.1, on the SDK's WebClient transport; 2.0, on Spring AI's own),
 * shipped as Spring Boot executable jars and run as {@code java -javaagent:mcp-refresh.jar -jar app.jar}: Spring
 * WebFlux sits in BOOT-INF/lib behind Spring Boot's class loader, which the agent's loader cannot see, so the agent's
 * exchange filter is defined in that loader. Without the agent the static token's expiry fails the app; with it every
 * call over more than three token lifetimes succeeds, and the MCP server never sees a request with more than one
 * Authorization header.
 */
class SpringBootJarTest extends WithItServers {
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"spring-ai-webflux-boot-1.1", "spring-ai-webflux-boot-2.0"})
    void webClientTransportInsideAnExecutableJarIsKeptFresh(String module) throws Exception {
        McpServerProcess server = servers.mcp("2.1", "streamable");
        long accepted = server.gateStat("accepted");
        long several = server.gateStat("severalAuthorizations");
        KeepAliveScenario.run(servers.as, server, module + ClientRun.EXECUTABLE_JAR, "starter", servers.work,
                "Spring WebClient MCP transport to " + server.mcpUrl + " takes its tokens");
        assertTrue(server.gateStat("accepted") - accepted > KeepAliveScenario.CALLS,
                "the app's MCP requests reached the server");
        assertEquals(0, server.gateStat("severalAuthorizations") - several,
                "no request carries more than one Authorization header");
    }

    /** The Spring AI 2.0 jar on the newest JDK installed (Temurin 25 here), where the filter is defined the same way. */
    @Test
    void onTheNewestJdkTheFilterIsDefinedTheSameWay() throws Exception {
        Path java = ItEnv.newestOtherJava();
        assumeTrue(java != null, "no JDK newer than the one running the tests is installed");
        McpServerProcess server = servers.mcp("2.1", "streamable");
        Path dir = Files.createDirectories(servers.work.resolve("boot-jar-newest-jdk"));
        Secrets secrets = new Secrets();
        AuthorizationServer.Tokens seeded = servers.as.login("app");
        secrets.add(seeded);
        Path store = dir.resolve("store/tokens.json");
        KeepAliveScenario.seed(dir, server.mcpUrl, "app", seeded.refreshToken(), store);
        long several = server.gateStat("severalAuthorizations");
        try (ClientRun run = ClientRun.start(java, "spring-ai-webflux-boot-2.0" + ClientRun.EXECUTABLE_JAR, "starter",
                server.baseUrl, seeded.accessToken(), store, KeepAliveScenario.CALLS, KeepAliveScenario.INTERVAL_MILLIS,
                dir, line -> { }).finish()) {
            secrets.addFromStore(store);
            assertEquals(0, run.failed, java + ":\n" + run.output());
            assertEquals(KeepAliveScenario.CALLS, run.ok, run.output());
            assertTrue(run.output().contains("Spring WebClient MCP transport to " + server.mcpUrl + " takes its tokens"),
                    run.output());
            secrets.assertNotIn(run.process.name(), run.output());
        }
        assertEquals(0, server.gateStat("severalAuthorizations") - several,
                "no request carries more than one Authorization header");
    }
}
