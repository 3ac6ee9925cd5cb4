package dev.mcprefresh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An app that installs its own authorization error handler (MCP Java SDK 1.1.5 and 2.1.0, Streamable HTTP): the
 * handler counts the 401/403s the SDK hands it and asks for the SDK's one retry. The SDK calls it only after the
 * transport's HttpClient returned, and the agent's client sits below the SDK: an expired token is refreshed and the
 * call replayed before the SDK sees anything, and only a 401 the agent cannot cure reaches the app's handler, as it
 * would without the agent. Both apps talk to the SDK 2.1 server, which checks every token with the real
 * authorization server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthorizationErrorHandlerTest {
    private static final String MODE = "streamable-authorizationErrorHandler";
    private static final Pattern HANDLER_CALL = Pattern.compile("^APP AUTH HANDLER \\d+ status=(\\d+)",
            Pattern.MULTILINE);
    private static final Pattern CALL_FAILURE = Pattern.compile("^CALL \\d+ FAIL (\\S+)", Pattern.MULTILINE);

    private ItServers servers;
    private AuthorizationServer as;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        servers = ItServers.start(dir);
        as = servers.as;
    }

    @AfterAll
    void stop() {
        if (servers != null) {
            servers.close();
        }
    }

    /**
     * Over more than three 3-second token lifetimes: without the agent the expired token reaches the app's handler
     * and the calls fail (the handler's retry sends the same dead token); with it every call succeeds and the
     * handler is never called.
     */
    @ParameterizedTest(name = "SDK {0}")
    @ValueSource(strings = {"1.1", "2.1"})
    void expiryIsCuredBelowTheSdkAndNeverReachesTheAppsHandler(String sdk) throws Exception {
        McpServerProcess server = servers.mcp("2.1", "streamable");
        Secrets secrets = new Secrets();
        Path dir = Files.createDirectories(servers.work.resolve("expiry-" + sdk));

        AuthorizationServer.Tokens plain = as.login("app");
        secrets.add(plain);
        try (ClientRun without = ClientRun.start(sdk, MODE, server.baseUrl, plain.accessToken(), null,
                KeepAliveScenario.CALLS, KeepAliveScenario.INTERVAL_MILLIS, dir).finish()) {
            String out = without.output();
            assertTrue(without.failed > 0, "without the agent the expired token must fail:\n" + out);
            assertTrue(handlerStatuses(out).contains("401"),
                    "without the agent the app's handler sees the expiry's 401 (so it is installed):\n" + out);
            secrets.assertNotIn(without.process.name(), out);
        }

        AuthorizationServer.Tokens seeded = as.login("app");
        secrets.add(seeded);
        Path store = dir.resolve("store/tokens.json");
        AgentCli.Result add = KeepAliveScenario.seed(dir, server.mcpUrl, "app", seeded.refreshToken(), store);
        long refreshesBefore = as.tokenGrants("refresh_token");
        try (ClientRun with = ClientRun.start(sdk, MODE, server.baseUrl, seeded.accessToken(), store,
                KeepAliveScenario.CALLS, KeepAliveScenario.INTERVAL_MILLIS, dir).finish()) {
            secrets.addFromStore(store);
            String out = with.output();
            assertEquals(0, with.failed, "with the agent no call may fail:\n" + out);
            assertEquals(KeepAliveScenario.CALLS, with.ok, out);
            assertEquals(0, handlerCalls(out), "the agent cures expiry below the SDK: the app's handler is never"
                    + " called:\n" + out);
            assertTrue(out.contains("MCP transport to " + server.mcpUrl + " takes its tokens"),
                    "the agent decorates the transport although the app installed a handler:\n" + out);
            long refreshes = as.tokenGrants("refresh_token") - refreshesBefore;
            assertTrue(refreshes >= 3, "the run spans over three token lifetimes: " + refreshes);
            secrets.assertNotIn(with.process.name(), out);
        }
        secrets.assertNotIn("mcp-refresh add", add.output());
    }

    /**
     * The grant is revoked at the authorization server while the app runs: no refresh can cure the 401. With the
     * agent, the agent tries first (one refused refresh, its one line naming {@code login}), then the app's handler
     * is called with the 401 and the calls fail just as they do without the agent.
     */
    @ParameterizedTest(name = "SDK {0}")
    @ValueSource(strings = {"1.1", "2.1"})
    void a401TheAgentCannotCureReachesTheAppsHandler(String sdk) throws Exception {
        McpServerProcess server = servers.mcp("2.1", "streamable");
        Secrets secrets = new Secrets();
        Path dir = Files.createDirectories(servers.work.resolve("revoked-" + sdk));
        int calls = 5;

        AuthorizationServer.Tokens plain = as.login("app-long");
        secrets.add(plain);
        String withoutOut;
        try (ClientRun without = ClientRun.start(sdk, MODE, server.baseUrl, plain.accessToken(), null, calls,
                KeepAliveScenario.INTERVAL_MILLIS, dir)) {
            without.awaitLine(l -> l.equals("CALL 2 OK"), Duration.ofSeconds(60));
            as.revokeGrant("app-long", plain.refreshToken());
            without.finish();
            withoutOut = without.output();
            assertTrue(without.failed > 0, "without the agent the revoked grant must fail:\n" + withoutOut);
            assertTrue(handlerStatuses(withoutOut).contains("401"), "without the agent the handler sees it:\n"
                    + withoutOut);
            secrets.assertNotIn(without.process.name(), withoutOut);
        }

        AuthorizationServer.Tokens seeded = as.login("app-long");
        secrets.add(seeded);
        Path store = dir.resolve("store/tokens.json");
        AgentCli.Result add = KeepAliveScenario.seed(dir, server.mcpUrl, "app-long", seeded.refreshToken(), store);
        try (ClientRun with = ClientRun.start(sdk, MODE, server.baseUrl, seeded.accessToken(), store, calls,
                KeepAliveScenario.INTERVAL_MILLIS, dir)) {
            with.awaitLine(l -> l.equals("CALL 2 OK"), Duration.ofSeconds(60));
            assertEquals(0, handlerCalls(with.output()), "no 401 before the revocation:\n" + with.output());
            long refusedBefore = as.tokenErrors("refresh_token:invalid_grant");
            as.revokeGrant("app-long", storedRefreshToken(store, server.mcpUrl));
            with.finish();
            secrets.addFromStore(store);
            String out = with.output();
            assertTrue(as.tokenErrors("refresh_token:invalid_grant") > refusedBefore,
                    "the agent tries to cure the 401 first (a refresh, refused):\n" + out);
            assertTrue(out.contains("sign in again: java -jar mcp-refresh.jar login"),
                    "the agent says once what to run:\n" + out);
            assertTrue(handlerStatuses(out).contains("401"),
                    "what the agent cannot cure reaches the app's handler:\n" + out);
            assertTrue(with.failed > 0, "the calls fail as without the agent:\n" + out);
            assertEquals(failureTypes(withoutOut), failureTypes(out),
                    "the app gets the failure it gets without the agent:\n" + withoutOut + "\n---\n" + out);
            secrets.assertNotIn(with.process.name(), out);
        }
        secrets.assertNotIn("mcp-refresh add", add.output());
        secrets.assertNotIn("oidc-provider", as.output());
        secrets.assertNotIn("MCP server", server.output());
    }

    private static String storedRefreshToken(Path store, String mcpUrl) throws Exception {
        List<java.util.Map<String, Object>> entries = Secrets.storeEntries(store);
        for (java.util.Map<String, Object> e : entries) {
            if (mcpUrl.equals(e.get("server_url")) && e.get("refresh_token") instanceof String) {
                return (String) e.get("refresh_token");
            }
        }
        throw new AssertionError("no stored refresh token for " + mcpUrl);
    }

    private static int handlerCalls(String output) {
        return handlerStatuses(output).size();
    }

    /** The status of each call of the app's handler, in order. */
    private static List<String> handlerStatuses(String output) {
        List<String> statuses = new java.util.ArrayList<>();
        Matcher m = HANDLER_CALL.matcher(output);
        while (m.find()) {
            statuses.add(m.group(1));
        }
        return statuses;
    }

    /** The exception types the app's failed calls ended with. */
    private static Set<String> failureTypes(String output) {
        Set<String> types = new TreeSet<>();
        Matcher m = CALL_FAILURE.matcher(output);
        while (m.find()) {
            types.add(m.group(1));
        }
        return types;
    }
}
