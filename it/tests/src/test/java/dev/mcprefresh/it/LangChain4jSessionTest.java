package dev.mcprefresh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * LangChain4j MCP apps (the oldest release with custom headers and the newest) with a static bearer header, against
 * a real MCP SDK server that checks every token with the real authorization server: without the agent the session
 * dies when the token expires; with it, no call fails. An app with its own headers supplier is left alone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LangChain4jSessionTest {
    private ItServers servers;
    private AuthorizationServer as;
    private McpServerProcess server;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        servers = ItServers.start(dir);
        as = servers.as;
        server = servers.mcp("2.1", "streamable");
    }

    @AfterAll
    void stop() {
        if (servers != null) {
            servers.close();
        }
    }

    static Stream<Arguments> versions() {
        return Stream.of(Arguments.of("langchain4j-1.4", "map"), Arguments.of("langchain4j-1.18", "map"),
                Arguments.of("langchain4j-1.4", "sse-map"), Arguments.of("langchain4j-1.18", "sse-map"));
    }

    /** "map": StreamableHttpMcpTransport (java.net.http); "sse-map": the legacy HttpMcpTransport (OkHttp). */
    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("versions")
    void expiredStaticTokenFailsWithoutAgentAndIsRefreshedWithIt(String app, String mode) throws Exception {
        McpServerProcess s = servers.mcp("2.1", mode.startsWith("sse") ? "sse" : "streamable");
        KeepAliveScenario.run(as, s, app, mode, servers.work, "LangChain4j MCP transport to " + s.baseUrl);
    }

    @Test
    void anAppWithItsOwnHeadersSupplierIsLeftAloneAndToldOnce() throws Exception {
        Secrets secrets = new Secrets();
        Path dir = Files.createDirectories(servers.work.resolve("own-supplier"));
        AuthorizationServer.Tokens seeded = as.login("app-long"); // valid throughout: only the stand-down is tested
        secrets.add(seeded);
        Path store = dir.resolve("store/tokens.json");
        KeepAliveScenario.seed(dir, server.mcpUrl, "app-long", seeded.refreshToken(), store);
        long refreshesBefore = as.tokenGrants("refresh_token");
        try (ClientRun with = ClientRun.start("langchain4j-1.18", "supplier", server.baseUrl, seeded.accessToken(),
                store, 3, 100, dir).finish()) {
            secrets.addFromStore(store);
            assertEquals(3, with.ok, "a valid token from the app's supplier works:\n" + with.output());
            assertEquals(1, with.output().lines().filter(l -> l.contains("its own headers supplier")).count(),
                    with.output());
            assertTrue(!with.output().contains("takes its tokens from the store"), "stood down:\n" + with.output());
            assertEquals(refreshesBefore, as.tokenGrants("refresh_token"), "the agent refreshed nothing");
            secrets.assertNotIn(with.process.name(), with.output());
        }
    }
}
