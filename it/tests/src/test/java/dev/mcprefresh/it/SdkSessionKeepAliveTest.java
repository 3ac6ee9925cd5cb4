package dev.mcprefresh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The walking skeleton end to end: MCP SDK apps that set a static bearer header, against a real MCP SDK server
 * that checks every token with the real authorization server. Each scenario runs the app twice: without the agent
 * it must fail once the token expires (so the test proves something), with {@code -javaagent} it must not fail at all.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SdkSessionKeepAliveTest {
    private static final long INTERVAL_MILLIS = KeepAliveScenario.INTERVAL_MILLIS;

    private ItServers servers;
    private AuthorizationServer as;

    @BeforeAll
    void startAuthorizationServer(@TempDir Path dir) throws Exception {
        servers = ItServers.start(dir);
        as = servers.as;
    }

    @AfterAll
    void stopAll() {
        if (servers != null) {
            servers.close();
        }
    }

    static Stream<Arguments> staticHeaderApps() {
        return Stream.of(
                Arguments.of("2.1", "streamable", "streamable-requestBuilder"),
                Arguments.of("2.1", "streamable", "streamable-customizer"),
                Arguments.of("2.1", "sse", "sse-requestBuilder"),
                Arguments.of("0.11", "streamable", "streamable-customizeRequest"),
                Arguments.of("0.11", "streamable", "streamable-requestBuilder"),
                Arguments.of("0.11", "streamable", "streamable-customizer"),
                Arguments.of("0.11", "sse", "sse-customizeRequest"),
                Arguments.of("0.10", "sse", "sse-customizeRequest"),
                Arguments.of("0.10", "sse", "sse-requestBuilder"));
    }

    @ParameterizedTest(name = "SDK {0}, {2}")
    @MethodSource("staticHeaderApps")
    void expiredStaticTokenFailsWithoutAgentAndIsRefreshedWithIt(String sdk, String transport, String mode)
            throws Exception {
        McpServerProcess server = servers.mcp(sdk, transport);
        KeepAliveScenario.run(as, server, sdk, mode, servers.work, "MCP transport to " + server.mcpUrl + " takes its tokens");
    }

    static Stream<Arguments> revokedTokenApps() {
        return Stream.of(
                Arguments.of("2.1", "streamable", "streamable-requestBuilder"),
                Arguments.of("0.10", "sse", "sse-customizeRequest"));
    }

    /**
     * The server rejects a token long before it expires (an administrator destroyed it): only the 401 path can save
     * the session, by refreshing once and replaying the rejected call, unseen by the app.
     */
    @ParameterizedTest(name = "SDK {0}, {2}")
    @MethodSource("revokedTokenApps")
    void tokenRevokedBeforeExpiryIsReplacedOnTheFirst401(String sdk, String transport, String mode) throws Exception {
        McpServerProcess server = servers.mcp(sdk, transport);
        Secrets secrets = new Secrets();
        Path dir = Files.createDirectories(servers.work.resolve("revoked-" + sdk + "-" + mode));
        int calls = 5;

        AuthorizationServer.Tokens plain = as.login("app-long");
        secrets.add(plain);
        try (ClientRun without = ClientRun.start(sdk, mode, server.baseUrl, plain.accessToken(), null, calls,
                INTERVAL_MILLIS, dir)) {
            without.process.awaitLine(l -> l.equals("CALL 2 OK"), Duration.ofSeconds(60));
            as.destroyAccessToken(plain.accessToken());
            without.finish();
            assertTrue(without.failed > 0, "without the agent a revoked token must fail:\n" + without.output());
            secrets.assertNotIn(without.process.name(), without.output());
        }

        AuthorizationServer.Tokens seeded = as.login("app-long");
        secrets.add(seeded);
        Path store = dir.resolve("store/tokens.json");
        AgentCli.Result add = KeepAliveScenario.seed(dir, server.mcpUrl, "app-long", seeded.refreshToken(), store);
        try (ClientRun with = ClientRun.start(sdk, mode, server.baseUrl, seeded.accessToken(), store, calls,
                INTERVAL_MILLIS, dir)) {
            with.process.awaitLine(l -> l.equals("CALL 2 OK"), Duration.ofSeconds(60));
            String current = Secrets.storedAccessToken(store, server.mcpUrl);
            secrets.add(current);
            long refreshesBefore = as.tokenGrants("refresh_token");
            int rejectedBefore = rejectedByServer(server);
            as.destroyAccessToken(current);
            with.finish();
            secrets.addFromStore(store);
            assertEquals(0, with.failed, "the agent must replay the rejected call with a fresh token:\n" + with.output());
            assertTrue(rejectedByServer(server) > rejectedBefore, "the server must have rejected the revoked token");
            assertTrue(as.tokenGrants("refresh_token") > refreshesBefore, "a 401 must trigger a refresh");
            secrets.assertNotIn(with.process.name(), with.output());
        }
        secrets.assertNotIn("mcp-refresh add", add.output());
    }

    private static int rejectedByServer(McpServerProcess server) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(server.baseUrl + "/test/stats")).build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher m = Pattern.compile("\"rejected\":(\\d+)").matcher(r.body());
        assertTrue(m.find(), r.body());
        return Integer.parseInt(m.group(1));
    }
}
