package dev.mcprefresh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A redirecting MCP server and an SDK 2.1 app whose own HttpClient follows redirects (FollowRedirectsClientApp). The
 * server's gate answers {@code /same-origin-redirect/mcp} with a 307 to its own {@code /mcp}, and
 * {@code /cross-origin-redirect/mcp} with a 307 to a recorder on another loopback port ({@link ForeignOrigin}) that
 * answers every request with 401 invalid_token. Same origin: the session keeps working across token lifetimes,
 * refreshes and replays included. Another origin: it receives no Authorization header at all, and its 401 costs no
 * refresh and no replay. The store holds the URL the app uses (the redirecting one).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedirectTest {
    private static final String APP = "FollowRedirectsClientApp";
    private static final String MODE = "streamable-followRedirects";
    private static final String SAME_ORIGIN = "/same-origin-redirect/mcp";
    private static final String CROSS_ORIGIN = "/cross-origin-redirect/mcp";

    private ItServers servers;
    private AuthorizationServer as;
    private ForeignOrigin foreign;
    private McpServerProcess server;

    @BeforeAll
    void startServers(@TempDir Path dir) throws Exception {
        servers = ItServers.start(dir);
        as = servers.as;
        foreign = ForeignOrigin.start();
        server = McpServerProcess.start("2.1", "streamable", as, dir, List.of("-Dit.gate.foreignPort=" + foreign.port()));
    }

    @AfterAll
    void stopAll() {
        if (server != null) {
            server.close();
        }
        if (foreign != null) {
            foreign.close();
        }
        if (servers != null) {
            servers.close();
        }
    }

    /**
     * Without the agent the app's static token dies (3 s) and its calls fail; with the agent every call, and every
     * replay after a refresh, goes through the redirect with a fresh token.
     */
    @Test
    void sameOrigin307KeepsTheSessionAliveAcrossExpiry() throws Exception {
        Secrets secrets = new Secrets();
        Path dir = Files.createDirectories(servers.work.resolve("redirect-same-origin"));
        String transportUrl = server.baseUrl + SAME_ORIGIN;
        int calls = KeepAliveScenario.CALLS;
        long interval = KeepAliveScenario.INTERVAL_MILLIS;

        AuthorizationServer.Tokens plain = as.login("app");
        secrets.add(plain);
        long redirectsBefore = server.gateStat("redirects");
        try (ClientRun without = ClientRun.start("2.1", APP, MODE, server.baseUrl, plain.accessToken(), null, calls,
                interval, dir, List.of(SAME_ORIGIN)).finish()) {
            assertTrue(without.failed > 0, "without the agent the expired static token must fail:\n"
                    + without.output());
            assertTrue(server.gateStat("redirects") > redirectsBefore, "the calls went through the 307");
            secrets.assertNotIn(without.process.name(), without.output());
        }

        AuthorizationServer.Tokens seeded = as.login("app", null, transportUrl);
        secrets.add(seeded);
        Path store = dir.resolve("store/tokens.json");
        AgentCli.Result add = KeepAliveScenario.seed(dir, transportUrl, "app", seeded.refreshToken(), store,
                transportUrl);
        AuthorizationServer.Tokens appsOwn = as.login("app");
        secrets.add(appsOwn);
        long refreshesBefore = as.tokenGrants("refresh_token");
        redirectsBefore = server.gateStat("redirects");
        try (ClientRun with = ClientRun.start("2.1", APP, MODE, server.baseUrl, appsOwn.accessToken(), store, calls,
                interval, dir, List.of(SAME_ORIGIN)).finish()) {
            secrets.addFromStore(store);
            assertEquals(0, with.failed, "with the agent no call through the same-origin 307 may fail:\n"
                    + with.output());
            assertEquals(calls, with.ok, with.output());
            assertTrue(server.gateStat("redirects") - redirectsBefore >= calls, "every call went through the 307");
            long refreshes = as.tokenGrants("refresh_token") - refreshesBefore;
            assertTrue(refreshes >= 3, "the run spans over three token lifetimes, so it must refresh: " + refreshes);
            secrets.assertNotIn(with.process.name(), with.output());
        }
        secrets.assertNotIn("mcp-refresh add", add.output());
        secrets.assertNotIn("oidc-provider", as.output());
        secrets.assertNotIn("MCP server", server.output());
    }

    /**
     * A 307 to another origin: the app's client follows it. With the agent that hop carries no Authorization header
     * (neither the store's token nor the app's own), and the other origin's 401 causes no refresh and no replay: the
     * other origin sees as many requests as without the agent, and the app gets its 401 as without the agent.
     * app-long's 300 s tokens: no refresh is due during the run, so any refresh would be the foreign 401's doing.
     */
    @Test
    void crossOrigin307GetsNoTokenAndItsUnauthorizedCausesNoRefresh() throws Exception {
        Secrets secrets = new Secrets();
        Path dir = Files.createDirectories(servers.work.resolve("redirect-cross-origin"));
        String transportUrl = server.baseUrl + CROSS_ORIGIN;
        int calls = 3;
        long interval = 300;

        AuthorizationServer.Tokens plain = as.login("app-long");
        secrets.add(plain);
        foreign.clear();
        int withoutAgentRequests;
        try (ClientRun without = ClientRun.start("2.1", APP, MODE, server.baseUrl, plain.accessToken(), null, calls,
                interval, dir, List.of(CROSS_ORIGIN)).finish()) {
            List<ForeignOrigin.Seen> seen = foreign.seen();
            withoutAgentRequests = seen.size();
            assertTrue(withoutAgentRequests > 0, "the app's client follows the 307 to the other origin:\n"
                    + without.output());
            assertEquals(0, without.ok, "the other origin answers 401:\n" + without.output());
            // JDK 17 re-sends the app's own header to the other origin, newer JDKs drop it: shown, not asserted.
            System.out.println("without the agent, Java " + Runtime.version().feature() + ": " + seen);
            secrets.assertNotIn(without.process.name(), without.output());
        }

        AuthorizationServer.Tokens seeded = as.login("app-long", null, transportUrl);
        secrets.add(seeded);
        Path store = dir.resolve("store/tokens.json");
        AgentCli.Result add = KeepAliveScenario.seed(dir, transportUrl, "app-long", seeded.refreshToken(), store,
                transportUrl);
        secrets.addFromStore(store);
        String storedBefore = Secrets.storedAccessToken(store, transportUrl);
        AuthorizationServer.Tokens appsOwn = as.login("app-long");
        secrets.add(appsOwn);
        long refreshesBefore = as.tokenGrants("refresh_token");
        foreign.clear();
        try (ClientRun with = ClientRun.start("2.1", APP, MODE, server.baseUrl, appsOwn.accessToken(), store, calls,
                interval, dir, List.of(CROSS_ORIGIN)).finish()) {
            secrets.addFromStore(store);
            List<ForeignOrigin.Seen> seen = foreign.seen();
            assertFalse(seen.isEmpty(), "the redirect is still followed to the other origin:\n" + with.output());
            assertTrue(seen.stream().noneMatch(ForeignOrigin.Seen::hadAuthorization),
                    "the other origin received an Authorization header: " + seen + "\n" + with.output());
            assertEquals(refreshesBefore, as.tokenGrants("refresh_token"),
                    "the other origin's 401 must not cause a refresh:\n" + with.output());
            assertEquals(storedBefore, Secrets.storedAccessToken(store, transportUrl), "the stored token is unchanged");
            assertEquals(withoutAgentRequests, seen.size(),
                    "no replay: the other origin sees as many requests as without the agent: " + seen);
            assertEquals(0, with.ok, "the app gets the other origin's 401, as without the agent:\n" + with.output());
            secrets.assertNotIn(with.process.name(), with.output());
        }
        secrets.assertNotIn("mcp-refresh add", add.output());
        secrets.assertNotIn("oidc-provider", as.output());
        secrets.assertNotIn("MCP server", server.output());
    }
}
