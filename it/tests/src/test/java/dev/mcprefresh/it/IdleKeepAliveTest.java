package dev.mcprefresh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcprefresh.core.store.TokenRecord;
import dev.mcprefresh.core.store.FileTokenStore;
import dev.mcprefresh.core.store.TokenStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Idle keep-alive end to end: refresh tokens whose life is an idle timeout (the authorization server's clients
 * {@code app-idle} and {@code app-idle-2}: 10 s, renewed by every refresh, as Keycloak's "SSO Session Idle") die when
 * an app sits idle longer than that, even though the app still holds its MCP transport. The app here (MCP SDK 2.1,
 * streamable HTTP, a static bearer header) makes three calls 30 s apart, so each pause spans three idle windows.
 *
 * <p>To keep the wall time near two runs, the first four JVMs (no agent; agent with keep-alive off; two agents with
 * keep-alive on sharing one store) start within seconds of each other in {@link #startServersAndFirstRuns} and
 * idle together, each test then waits for its own; the close scenario runs after them. Runs whose refresh counts are
 * asserted use their own client and store: {@code app-idle} for the two keep-alive JVMs only, {@code app-idle-2} for
 * the keep-alive-off run and, after it has ended, the close scenario. Each run's timings go to the test's output
 * (surefire-reports/*-output.txt).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IdleKeepAliveTest {
    private static final String SDK = "2.1";
    private static final String TRANSPORT = "streamable";
    private static final String MODE = "streamable-requestBuilder";
    private static final int CALLS = 3;
    private static final long INTERVAL_MILLIS = 30_000;
    private static final long IDLE_WINDOW_MILLIS = AuthorizationServer.IDLE_REFRESH_TTL_SECONDS * 1000L;
    /** One keep-alive refresh per window: planned at 50-75 % of the window after the latest refresh of any process. */
    private static final long MIN_KEEP_ALIVE_GAP_MILLIS = 4000;
    /**
     * A refresh this long before an INIT/CALL line (printed when the request is answered; the app's request timeout is
     * 4 s) or a little after it counts as made for that request, not as a keep-alive.
     */
    private static final long CALL_REFRESH_BEFORE_LINE_MILLIS = 3000;
    private static final long CALL_REFRESH_AFTER_LINE_MILLIS = 300;
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(150);

    private ItServers servers;
    private AuthorizationServer as;
    private McpServerProcess server;
    private final Secrets secrets = new Secrets();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final List<AgentCli.Result> seedOutputs = new ArrayList<>();

    private ClientRun withoutAgent;
    private ClientRun keepAliveOff;
    private long keepAliveOffErrorsBefore;
    private Path keepAliveOffStore;
    private ClientRun sharedA;
    private ClientRun sharedB;
    private final LineClock sharedLines = new LineClock();
    private long sharedStart;
    private Path sharedStore;

    @BeforeAll
    void startServersAndFirstRuns(@TempDir Path dir) throws Exception {
        servers = ItServers.start(dir);
        as = servers.as;
        server = servers.mcp(SDK, TRANSPORT);

        // A seeded refresh token lives 10 s: each agent JVM must start and make its first refresh within that, so
        // the JVMs do not all start at once on a small machine. The keep-alive-off run first, then the plain run
        // (its static token fails either way), and once the first has initialised, the two sharing a store.
        Path offDir = Files.createDirectories(dir.resolve("keepalive-off"));
        keepAliveOffStore = offDir.resolve("store/tokens.json");
        AuthorizationServer.Tokens off = seeded(offDir, AuthorizationServer.IDLE_CLIENT_2, keepAliveOffStore);
        keepAliveOffErrorsBefore = as.tokenErrors("refresh_token:invalid_grant");
        keepAliveOff = track(ClientRun.start(SDK, MODE, server.baseUrl, off.accessToken(), keepAliveOffStore, CALLS,
                INTERVAL_MILLIS, offDir, List.of("keepalive=false"), List.of()));

        AuthorizationServer.Tokens plain = as.login(AuthorizationServer.IDLE_CLIENT);
        secrets.add(plain);
        withoutAgent = track(ClientRun.start(SDK, MODE, server.baseUrl, plain.accessToken(), null, CALLS,
                INTERVAL_MILLIS, Files.createDirectories(dir.resolve("without-agent"))));
        keepAliveOff.awaitLine(l -> l.startsWith("INIT "), Duration.ofSeconds(60));

        Path sharedDir = Files.createDirectories(dir.resolve("keepalive-shared"));
        sharedStore = sharedDir.resolve("store/tokens.json");
        AuthorizationServer.Tokens shared = seeded(sharedDir, AuthorizationServer.IDLE_CLIENT, sharedStore);
        sharedStart = System.currentTimeMillis(); // after the seed's own refresh: every later app-idle grant is theirs
        sharedA = track(ClientRun.start(SDK, MODE, server.baseUrl, shared.accessToken(), sharedStore, CALLS,
                INTERVAL_MILLIS, sharedDir, List.of(), List.of(), sharedLines));
        sharedB = track(ClientRun.start(SDK, MODE, server.baseUrl, shared.accessToken(), sharedStore, CALLS,
                INTERVAL_MILLIS, sharedDir, List.of(), List.of(), sharedLines));
    }

    @AfterAll
    void stopAll() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        if (servers != null) {
            try {
                for (AgentCli.Result add : seedOutputs) {
                    secrets.assertNotIn("mcp-refresh add", add.output());
                }
                secrets.assertNotIn("oidc-provider", as.output());
                secrets.assertNotIn("MCP server", server.output());
            } finally {
                servers.close();
            }
        }
    }

    /**
     * The scenario proves something: without the agent the app's static 3 s access token has long expired when the
     * second call comes, 30 s later.
     */
    @Test
    @Order(1)
    void withoutTheAgentTheIdleAppFails() throws Exception {
        withoutAgent.finish();
        assertTrue(withoutAgent.failed > 0, "without the agent the expired static token must fail:\n"
                + withoutAgent.output());
        secrets.assertNotIn(withoutAgent.process.name(), withoutAgent.output());
    }

    /**
     * {@code keepalive=false} turns idle keep-alive off, and the idle lifetime is real: with no request for 30 s the
     * agent makes no refresh, the refresh token dies after 10 s idle, the refresh the next call needs is rejected
     * ({@code invalid_grant}, counted by the authorization server), the agent says so in an ERROR, and the call fails.
     */
    @Test
    @Order(2)
    void withKeepAliveOffTheRefreshTokenDiesWhileIdle() throws Exception {
        keepAliveOff.finish();
        secrets.addFromStore(keepAliveOffStore);
        String out = keepAliveOff.output();
        assertTrue(keepAliveOff.failed > 0, "with keep-alive off the idle refresh token must die:\n" + out);
        assertTrue(out.contains("rejected the refresh"), "the agent must say the server rejected the refresh:\n" + out);
        assertTrue(as.tokenErrors("refresh_token:invalid_grant") > keepAliveOffErrorsBefore,
                "the authorization server must have rejected a refresh with invalid_grant");
        secrets.assertNotIn(keepAliveOff.process.name(), out);
    }

    /**
     * With keep-alive on, two JVMs that hold transports for one store entry and sit idle together keep its refresh
     * token alive: no call fails; the agents refresh about once per idle window between them, not once per window
     * each (no two refreshes less than 4 s apart, except a refresh a request of the app needed itself; apart from
     * those, no more than one per 5 s), and often enough that the grant survived (at least one per 10 s of idle time).
     */
    @Test
    @Order(3)
    void twoIdleJvmsOnOneStoreKeepTheGrantAliveWithOneRefreshPerWindow() throws Exception {
        sharedA.finish();
        sharedB.finish();
        long end = System.currentTimeMillis();
        secrets.addFromStore(sharedStore);
        for (ClientRun run : List.of(sharedA, sharedB)) {
            String out = run.output();
            assertEquals(0, run.failed, "with keep-alive no call may fail:\n" + out);
            assertEquals(CALLS, run.ok, out);
            assertTrue(out.contains("MCP transport to " + server.mcpUrl + " takes its tokens"), out);
            assertFalse(out.contains("rejected the refresh"), "no refresh may be rejected:\n" + out);
            secrets.assertNotIn(run.process.name(), out);
        }

        List<Long> grants = within(as.refreshTimes(AuthorizationServer.IDLE_CLIENT), sharedStart, end);
        List<Long> callLines = sharedLines.timesOf(l -> l.equals("INIT OK") || l.matches("CALL \\d+ (OK|FAIL.*)"));
        String report = describe(grants, sharedStart) + "\nINIT/CALL lines at (ms after start): "
                + offsets(callLines, sharedStart);
        System.out.println("two idle JVMs, one store: " + report); // in surefire-reports/*-output.txt
        Predicate<Long> forACall = t -> callLines.stream().anyMatch(line -> t >= line - CALL_REFRESH_BEFORE_LINE_MILLIS
                && t <= line + CALL_REFRESH_AFTER_LINE_MILLIS);
        for (int i = 1; i < grants.size(); i++) {
            long gap = grants.get(i) - grants.get(i - 1);
            assertTrue(gap >= MIN_KEEP_ALIVE_GAP_MILLIS || forACall.test(grants.get(i)), "refresh " + (i + 1)
                    + " came " + gap + " ms after the one before it and no request needed it: the two agents must"
                    + " share one keep-alive refresh per window; " + report);
        }
        // Keep-alive refreshes (those no request needed) at most one per 5 s: each is planned at least half a window
        // after the latest refresh. The requests' own: about one per JVM for its initialisation plus first call and
        // one per later call (the two JVMs call a second or so apart, so each may find the token due).
        long duration = end - sharedStart;
        long keepAlives = grants.stream().filter(forACall.negate()).count();
        assertTrue(keepAlives <= duration / 5000 + 1, keepAlives + " keep-alive refreshes in " + duration
                + " ms, more than one per 5 s; " + report);
        assertTrue(grants.size() <= duration / 5000 + 2L * CALLS, "at most one refresh per 5 s of the run plus the"
                + " requests' own; " + report);
        long idle = (CALLS - 1) * INTERVAL_MILLIS;
        assertTrue(grants.size() >= idle / IDLE_WINDOW_MILLIS, "at least one refresh per 10 s idle window, else the"
                + " grant could not have survived; " + report);
    }

    /**
     * Keep-alive lasts only while a transport is open: once the app has closed its MCP client (the JVM lingers 25 s
     * afterwards, longer than two idle windows) the agent makes no more refreshes, so a process that is done with a
     * server does not keep its grant alive forever.
     */
    @Test
    @Order(4)
    void afterTheTransportClosesNoKeepAliveRefreshFollows(@TempDir Path dir) throws Exception {
        // app-idle-2 is the keep-alive-off run's client too: its refreshes must not be counted here.
        keepAliveOff.process.waitFor(RUN_TIMEOUT);
        closeScenario(startClosing(SDK, MODE, server, AuthorizationServer.IDLE_CLIENT_2, dir));
    }

    /**
     * The same for LangChain4j, whose {@code close()} ends its transports: the Streamable HTTP one (java.net.http)
     * and the legacy HTTP+SSE one (OkHttp), side by side, each with its own client at the authorization server.
     */
    @Test
    @Order(6)
    void afterALangChain4jTransportClosesNoKeepAliveRefreshFollows(@TempDir Path dir) throws Exception {
        Closing streamable = startClosing("langchain4j-1.18", "map", server, AuthorizationServer.IDLE_CLIENT_3,
                Files.createDirectories(dir.resolve("map")));
        Closing sse = startClosing("langchain4j-1.18", "sse-map", servers.mcp(SDK, "sse"),
                AuthorizationServer.IDLE_CLIENT_4, Files.createDirectories(dir.resolve("sse-map")));
        closeScenario(streamable);
        closeScenario(sse);
    }

    /** An app run that calls twice, 9 s apart, closes its client, and lingers 25 s (longer than two windows). */
    private record Closing(ClientRun run, LineClock lines, long start, String clientId, Path store) {
    }

    private Closing startClosing(String app, String mode, McpServerProcess s, String clientId, Path dir)
            throws Exception {
        Path store = dir.resolve("store/tokens.json");
        AuthorizationServer.Tokens tokens = seededFor(s, dir, clientId, store);
        long start = System.currentTimeMillis();
        LineClock lines = new LineClock();
        // Two calls 9 s apart: the keep-alive (at 5-7.5 s of the 10 s window) comes between them, while it is open.
        ClientRun run = track(ClientRun.start(app, mode, s.baseUrl, tokens.accessToken(), store, 2, 9000, dir,
                List.of(), List.of("-Dit.linger.millis=25000"), lines));
        return new Closing(run, lines, start, clientId, store);
    }

    private void closeScenario(Closing c) throws Exception {
        ClientRun run = c.run();
        run.awaitLine("CLOSED"::equals, Duration.ofSeconds(60));
        long awaited = System.currentTimeMillis();
        long closed = c.lines().timesOf("CLOSED"::equals).stream().findFirst().orElse(awaited);
        run.finish();
        assertTrue(run.output().contains("EXIT"), "the app must linger until its exit:\n" + run.output());
        secrets.addFromStore(c.store());
        assertEquals(0, run.failed, run.output());
        List<Long> grants = within(as.refreshTimes(c.clientId()), c.start(), Long.MAX_VALUE);
        String report = describe(grants, c.start()) + "; CLOSED at " + (closed - c.start()) + " ms";
        System.out.println("close (" + run.process.name() + "): " + report);
        long call1 = c.lines().timesOf("CALL 1 OK"::equals).stream().findFirst().orElseThrow();
        long call2 = c.lines().timesOf(l -> l.startsWith("CALL 2 ")).stream().findFirst().orElseThrow();
        assertTrue(grants.stream().anyMatch(t -> t > call1 + 1000 && t < call2 - 500), "a keep-alive refreshed the"
                + " idle grant between the calls, with no request (the first call's token lives 3 s); " + report
                + "; calls at " + (call1 - c.start()) + " and " + (call2 - c.start()) + " ms");
        assertTrue(grants.stream().noneMatch(t -> t > closed + 1500), "no refresh may follow the transport's close; "
                + report + "\n" + run.output());
        secrets.assertNotIn(run.process.name(), run.output());
    }

    /**
     * A session maximum cannot be passed: the grant's refresh tokens never outlive its first 40 s. A refresh that does
     * not move the refresh token's end teaches the agent the fixed end; it warns once, ahead of it, with the time left
     * and the login command, stores it for status, and plans no keep-alive that could not help.
     */
    @Test
    @Order(5)
    void aSessionMaximumIsWarnedOnceAheadOfItsEnd(@TempDir Path dir) throws Exception {
        Path store = dir.resolve("store/tokens.json");
        AuthorizationServer.Tokens tokens = seeded(dir, AuthorizationServer.SESSION_MAX_CLIENT, store);
        ClientRun run = track(ClientRun.start(SDK, MODE, server.baseUrl, tokens.accessToken(), store, 3, 5000, dir,
                List.of(), List.of()));
        run.finish();
        secrets.addFromStore(store);
        assertEquals(0, run.failed, run.output());
        long warnings = run.output().lines().filter(l -> l.contains("whatever is refreshed: that is the authorization"
                + " server's session maximum; sign in again before then: java -jar mcp-refresh.jar login")).count();
        assertEquals(1, warnings, "one warning ahead of the fixed end:\n" + run.output());
        TokenRecord stored = new FileTokenStore(store, Duration.ofSeconds(5)).read().soleEntry(server.mcpUrl);
        assertTrue(stored.sessionEndsAt() != null, "the fixed end is stored for status: " + stored);
        secrets.assertNotIn(run.process.name(), run.output());
    }

    /** {@link #seeded} for the MCP server {@code s}. */
    private AuthorizationServer.Tokens seededFor(McpServerProcess s, Path dir, String clientId, Path store)
            throws Exception {
        AuthorizationServer.Tokens t = as.login(clientId);
        secrets.add(t);
        seedOutputs.add(KeepAliveScenario.seed(dir, s.mcpUrl, clientId, t.refreshToken(), store));
        return t;
    }

    /** A fresh login of {@code clientId} whose refresh token {@code mcp-refresh add} puts into {@code store}. */
    private AuthorizationServer.Tokens seeded(Path dir, String clientId, Path store) throws Exception {
        return seededFor(server, dir, clientId, store);
    }

    private ClientRun track(ClientRun run) {
        toClose.add(run);
        return run;
    }

    private static List<Long> within(List<Long> times, long from, long to) {
        return times.stream().filter(t -> t >= from && t <= to).toList();
    }

    private static String describe(List<Long> grants, long start) {
        return grants.size() + " refresh_token grants at (ms after start): " + offsets(grants, start);
    }

    private static List<Long> offsets(List<Long> times, long start) {
        return times.stream().map(t -> t - start).toList();
    }

    /** When each output line of some processes arrived (this machine's clock, as the authorization server's). */
    private static final class LineClock implements Consumer<String> {
        private record Stamped(long at, String line) {
        }

        private final List<Stamped> lines = new ArrayList<>();

        @Override
        public synchronized void accept(String line) {
            lines.add(new Stamped(System.currentTimeMillis(), line));
        }

        synchronized List<Long> timesOf(Predicate<String> match) {
            return lines.stream().filter(s -> match.test(s.line())).map(Stamped::at).toList();
        }
    }
}
