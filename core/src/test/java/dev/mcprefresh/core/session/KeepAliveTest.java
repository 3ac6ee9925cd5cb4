package dev.mcprefresh.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcprefresh.core.LogCapture;
import dev.mcprefresh.core.LoopbackServer;
import dev.mcprefresh.core.LoopbackServer.Reply;
import dev.mcprefresh.core.log.Log;
import dev.mcprefresh.core.oauth.OAuthHttp;
import dev.mcprefresh.core.oauth.TokenEndpointClient;
import dev.mcprefresh.core.store.TokenRecord;
import dev.mcprefresh.core.store.FileTokenStore;
import dev.mcprefresh.core.store.TokenStore;
import java.lang.ref.WeakReference;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keep-alive in real time, with idle windows of a few seconds: a token endpoint whose refresh tokens die when unused
 * for the window (and on reuse), a registry over a store in a temporary directory, and transports that send nothing.
 */
class KeepAliveTest {
    private static final String URL = "https://mcp.example/mcp";
    /** Every token the endpoint issues contains this; no log line may. */
    private static final String SECRET = "SECRET";

    @TempDir
    Path dir;
    private final LoopbackServer as;
    private final Clock clock = Clock.systemUTC();
    private final List<TransportCredentials> opened = new ArrayList<>();
    private final List<CredentialsRegistry> registries = new ArrayList<>();

    KeepAliveTest() throws Exception {
        as = new LoopbackServer();
    }

    /**
     * One refresh before the timed tests, so that the first of them does not pay for loading the HTTP client, the
     * store writer and the JSON classes inside its few-second window.
     */
    @BeforeAll
    static void warmUp(@TempDir Path warmDir) throws Exception {
        try (LoopbackServer server = new LoopbackServer()) {
            server.route("/token", r -> Reply.json(200, "{\"access_token\":\"a\",\"expires_in\":60}"));
            TokenStore store = new FileTokenStore(warmDir.resolve("tokens.json"), Duration.ofSeconds(10));
            TokenRecord r = TokenRecord.builder(URL).tokenEndpoint(server.base() + "/token").clientId("c")
                    .accessToken("old").refreshToken("r").build();
            store.update(c -> {
                c.put(r);
                return null;
            });
            Clock clock = Clock.systemUTC();
            CredentialsRegistry registry = new CredentialsRegistry(store, new TokenEndpointClient(
                    new OAuthHttp(Duration.ofSeconds(5)), clock), Duration.ofSeconds(60), clock, false, false);
            registry.forTransport(URI.create(URL)).forHeader(null).refreshNow().get(10, TimeUnit.SECONDS);
        }
    }

    @AfterEach
    void stop() {
        opened.forEach(TransportCredentials::close);
        // A keep-alive refresh already under way may still write the store: wait for it, or it writes into the
        // temporary directory while JUnit deletes it.
        registries.forEach(CredentialsRegistry::drainBeforeExit);
        as.close();
    }

    /**
     * A token endpoint with sliding idle windows: each refresh rotates the refresh token, which then dies when unused
     * for the window; presenting a superseded or expired one is noted as a problem (and answered invalid_grant).
     */
    private final class IdleGrant {
        final long windowMillis;
        final List<Long> times = new CopyOnWriteArrayList<>();
        final List<String> problems = new CopyOnWriteArrayList<>();
        volatile boolean dead;
        private String current = SECRET + "-rt-0";
        private long endsAt;
        private int issued;

        IdleGrant(int windowSeconds) {
            this.windowMillis = windowSeconds * 1000L;
            as.route("/token", this::handle);
        }

        /** The entry a login left: refreshed now, a 1 s access token (0.75 s after rounding), the window open. */
        synchronized TokenRecord seed(TokenStore store, Instant sessionEndsAt) {
            Instant now = clock.instant();
            endsAt = now.toEpochMilli() + windowMillis;
            TokenRecord r = TokenRecord.builder(URL).tokenEndpoint(as.base() + "/token").clientId("c")
                    .issuedAccessToken(SECRET + "-at-0").expiresAt(now.plusMillis(750)).refreshToken(current)
                    .refreshExpiresAt(now.plusMillis(windowMillis)).sessionEndsAt(sessionEndsAt).updatedAt(now)
                    .scope("mcp").build();
            store.update(c -> {
                c.put(r);
                return null;
            });
            return r;
        }

        synchronized String current() {
            return current;
        }

        private synchronized Reply handle(LoopbackServer.Request request) {
            long now = System.currentTimeMillis();
            times.add(now);
            String presented = form(request.body(), "refresh_token");
            if (dead) {
                return Reply.json(400, "{\"error\":\"invalid_grant\",\"error_description\":\"Token is not active\"}");
            }
            if (!current.equals(presented)) {
                problems.add("a superseded refresh token was presented at request " + times.size());
                return Reply.json(400, "{\"error\":\"invalid_grant\"}");
            }
            if (now > endsAt) {
                problems.add("the refresh token was used " + (now - endsAt) + " ms after its idle end");
                return Reply.json(400, "{\"error\":\"invalid_grant\"}");
            }
            issued++;
            current = SECRET + "-rt-" + issued;
            endsAt = now + windowMillis;
            return Reply.json(200, "{\"access_token\":\"" + SECRET + "-at-" + issued + "\",\"token_type\":\"Bearer\","
                    + "\"expires_in\":1,\"refresh_token\":\"" + current + "\",\"refresh_expires_in\":"
                    + windowMillis / 1000 + "}");
        }

        void awaitRequests(int n, long timeoutMillis) throws InterruptedException {
            long until = System.currentTimeMillis() + timeoutMillis;
            while (times.size() < n && System.currentTimeMillis() < until) {
                Thread.sleep(20);
            }
            assertTrue(times.size() >= n, "expected " + n + " token requests within " + timeoutMillis + " ms, got "
                    + times.size());
        }

        List<Long> gaps() {
            List<Long> gaps = new ArrayList<>();
            for (int i = 1; i < times.size(); i++) {
                gaps.add(times.get(i) - times.get(i - 1));
            }
            return gaps;
        }
    }

    private static String form(String body, String name) {
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8).equals(name)) {
                return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private TokenStore store() {
        return new FileTokenStore(dir.resolve("tokens.json"), Duration.ofSeconds(10));
    }

    private CredentialsRegistry registry(TokenStore store, boolean keepAlive) {
        CredentialsRegistry registry = new CredentialsRegistry(store, new TokenEndpointClient(
                new OAuthHttp(Duration.ofSeconds(2)), clock), Duration.ofSeconds(60), clock, false, keepAlive);
        registries.add(registry);
        return registry;
    }

    /** A transport to the server, bound (no app header: the only identity), closed after the test. */
    private Credentials bind(CredentialsRegistry registry) {
        TransportCredentials t = registry.forTransport(URI.create(URL));
        assertNotNull(t);
        opened.add(t);
        Credentials c = t.forHeader(null);
        assertNotNull(c, "no header and one identity: that one");
        return c;
    }

    /** Like {@link #bind} but the only strong reference to the transport is {@code holder}'s. */
    private static Credentials bindInto(CredentialsRegistry registry, AtomicReference<TransportCredentials> holder) {
        holder.set(registry.forTransport(URI.create(URL)));
        return holder.get().forHeader(null);
    }

    /** Waits until {@code c}'s keep-alive is planned after {@code millis} (replanned after the refresh then). */
    private static void awaitPlannedAfter(CredentialsRegistry registry, Credentials c, long millis)
            throws InterruptedException {
        long until = System.currentTimeMillis() + 2000;
        while (registry.keepAlive().plannedMillis(c) <= millis && System.currentTimeMillis() < until) {
            Thread.sleep(10);
        }
        assertTrue(registry.keepAlive().plannedMillis(c) > millis, "replanned after the refresh");
    }

    private static void assertNoTokenIn(LogCapture log) {
        assertFalse(log.text().contains(SECRET), "a token in the log:\n" + log.text());
    }

    @Test
    void anIdleEntryIsRefreshedByItselfWithinItsWindowAgainAndAgain() throws Exception {
        IdleGrant grant = new IdleGrant(4);
        TokenStore store = store();
        try (LogCapture log = new LogCapture(Log.Level.DEBUG)) {
            TokenRecord seeded = grant.seed(store, null);
            Credentials c = bind(registry(store, true));
            Thread.sleep(9500); // no request at all meanwhile
            if (grant.times.size() < 3) {
                grant.awaitRequests(3, 1500); // a slow machine: the third may come a little after 9 s
            }
            opened.forEach(TransportCredentials::close);
            Thread.sleep(300); // a keep-alive in flight completes
            List<Long> times = grant.times;
            assertEquals(List.of(), grant.problems, "the grant never lapsed");
            assertTrue(times.size() >= 3 && times.size() <= 4, "one keep-alive per 2-3 s over 9.5 s: " + grant.gaps());
            long first = times.get(0) - seeded.updatedAt().toEpochMilli();
            // Planned at 50-75 % of the 4 s window (2-3 s); measured at the server, so a little later, never past it.
            assertTrue(first >= 2000 && first < 4000, "the first at 50-75 % of the 4 s window: " + first + " ms");
            for (long gap : grant.gaps()) {
                assertTrue(gap >= 1000 && gap < 4000, "keep-alives 2-3 s apart: " + grant.gaps());
            }
            TokenRecord stored = store.read().soleEntry(URL);
            assertEquals(grant.current(), stored.refreshToken(), "every rotation was stored");
            assertEquals(grant.current(), c.record().refreshToken(), "and is the one this JVM holds");
            assertNull(stored.sessionEndsAt(), "a sliding window is no fixed end");
            assertEquals(times.size(), c.report().refreshCount());
            assertEquals(times.size(),
                    log.lines("DEBUG").stream().filter(l -> l.contains("keep-alive: refreshed the idle grant")).count(),
                    log.text());
            assertEquals(List.of(), log.lines("WARN"), log.text());
            assertEquals(List.of(), log.lines("ERROR"), log.text());
            assertNoTokenIn(log);
        }
    }

    @Test
    void aRefreshForARequestStartsTheWindowAgain() throws Exception {
        IdleGrant grant = new IdleGrant(4);
        TokenStore store = store();
        try (LogCapture log = new LogCapture(Log.Level.DEBUG)) {
            TokenRecord seeded = grant.seed(store, null);
            CredentialsRegistry registry = registry(store, true);
            Credentials c = bind(registry);
            long firstPlan = registry.keepAlive().plannedMillis(c);
            long seededAt = seeded.updatedAt().toEpochMilli();
            assertTrue(firstPlan >= seededAt + 2000 && firstPlan <= seededAt + 3000, "50-75 % of the window");
            Thread.sleep(1500);
            assertTrue(c.refreshNow().get(5, TimeUnit.SECONDS), "a refresh the app needed");
            long refreshed = c.record().updatedAt().toEpochMilli();
            awaitPlannedAfter(registry, c, firstPlan);
            long plan = registry.keepAlive().plannedMillis(c);
            assertTrue(plan >= refreshed + 2000 && plan <= refreshed + 3000, "planned from the new refresh: "
                    + (plan - refreshed) + " ms after it");
            grant.awaitRequests(2, 6000);
            long gap = grant.times.get(1) - grant.times.get(0);
            assertTrue(gap >= 2000, "the keep-alive waited for the new window, not the old plan: " + gap + " ms");
            assertEquals(List.of(), grant.problems);
            assertNoTokenIn(log);
        }
    }

    @Test
    void noKeepAliveWhenItIsTurnedOff() throws Exception {
        IdleGrant grant = new IdleGrant(2);
        TokenStore store = store();
        grant.seed(store, null);
        CredentialsRegistry registry = registry(store, false);
        bind(registry);
        assertNull(registry.keepAlive());
        Thread.sleep(2500); // past the whole window
        assertEquals(0, grant.times.size());
    }

    @Test
    void aClosedTransportsGrantIsNoLongerKeptAlive() throws Exception {
        IdleGrant grant = new IdleGrant(2);
        TokenStore store = store();
        try (LogCapture log = new LogCapture(Log.Level.DEBUG)) {
            grant.seed(store, null);
            CredentialsRegistry registry = registry(store, true);
            TransportCredentials t = registry.forTransport(URI.create(URL));
            Credentials c = t.forHeader(null);
            assertEquals(1, registry.keepAlive().liveTransports(c));
            assertTrue(registry.keepAlive().plannedMillis(c) != KeepAlivePlan.NONE);
            grant.awaitRequests(1, 5000); // alive while open
            t.close();
            Thread.sleep(2500); // the next keep-alive would have come 1-1.5 s after the first
            assertEquals(1, grant.times.size(), "no keep-alive after close: " + grant.gaps());
            assertEquals(0, registry.keepAlive().liveTransports(c));
            assertEquals(KeepAlivePlan.NONE, registry.keepAlive().plannedMillis(c));
            assertTrue(log.text().contains("stopped: no transport of this JVM uses it"), log.text());
            assertSame(c, t.forHeader(null), "a closed transport's requests are still served");
            assertNoTokenIn(log);
        }
    }

    @Test
    void theGrantIsKeptAliveWhileAnyTransportUsingItIsOpen() {
        IdleGrant grant = new IdleGrant(60);
        TokenStore store = store();
        grant.seed(store, null);
        CredentialsRegistry registry = registry(store, true);
        TransportCredentials first = registry.forTransport(URI.create(URL));
        TransportCredentials second = registry.forTransport(URI.create(URL));
        opened.add(second);
        Credentials c = first.forHeader(null);
        assertSame(c, second.forHeader(null), "one entry, one Credentials");
        assertEquals(2, registry.keepAlive().liveTransports(c));
        first.close();
        assertEquals(1, registry.keepAlive().liveTransports(c));
        assertTrue(registry.keepAlive().plannedMillis(c) != KeepAlivePlan.NONE, "still planned for the other");
        second.close();
        assertEquals(0, registry.keepAlive().liveTransports(c));
        assertEquals(KeepAlivePlan.NONE, registry.keepAlive().plannedMillis(c));
        // A transport closed before its first request is never tracked.
        TransportCredentials early = registry.forTransport(URI.create(URL));
        early.close();
        assertSame(c, early.forHeader(null), "its requests are still served");
        assertEquals(0, registry.keepAlive().liveTransports(c));
        assertEquals(KeepAlivePlan.NONE, registry.keepAlive().plannedMillis(c));
        assertEquals(0, grant.times.size());
    }

    @Test
    void aTransportThatWasGarbageCollectedNoLongerKeepsItsGrantAlive() throws Exception {
        IdleGrant grant = new IdleGrant(2);
        TokenStore store = store();
        try (LogCapture log = new LogCapture(Log.Level.DEBUG)) {
            grant.seed(store, null);
            CredentialsRegistry registry = registry(store, true);
            AtomicReference<TransportCredentials> holder = new AtomicReference<>();
            Credentials c = bindInto(registry, holder);
            WeakReference<TransportCredentials> weak = new WeakReference<>(holder.get());
            grant.awaitRequests(1, 5000); // alive while reachable
            awaitPlannedAfter(registry, c, grant.times.get(0)); // the next keep-alive is planned: the timer runs
            holder.set(null); // the app dropped its transport without closing it
            long until = System.currentTimeMillis() + 5000;
            while (weak.get() != null && System.currentTimeMillis() < until) {
                System.gc();
                Thread.sleep(20);
            }
            assertNull(weak.get(), "the transport was collected: the keep-alive holds it only weakly");
            int seen = grant.times.size();
            Thread.sleep(2500); // past the next planned point and a whole window
            assertEquals(seen, grant.times.size(), "no keep-alive for a collected transport: " + grant.gaps());
            assertEquals(0, registry.keepAlive().liveTransports(c));
            assertEquals(KeepAlivePlan.NONE, registry.keepAlive().plannedMillis(c));
            assertTrue(log.text().contains("stopped: no transport of this JVM uses it"), log.text());
            assertNoTokenIn(log);
        }
    }

    @Test
    void twoProcessesOnOneStoreMakeOneRefreshPerWindowTheOtherAdopting() throws Exception {
        IdleGrant grant = new IdleGrant(4);
        // Two registries, each with its own TokenStore on the same file: two JVMs as far as they can tell.
        TokenStore storeA = store();
        TokenStore storeB = store();
        try (LogCapture log = new LogCapture(Log.Level.DEBUG)) {
            grant.seed(storeA, null);
            Credentials a = bind(registry(storeA, true));
            Credentials b = bind(registry(storeB, true));
            Thread.sleep(9500);
            if (grant.times.size() < 3) {
                grant.awaitRequests(3, 1500); // a slow machine: the third may come a little after 9 s
            }
            opened.forEach(TransportCredentials::close);
            Thread.sleep(300);
            assertEquals(List.of(), grant.problems, "no superseded refresh token was ever presented");
            int n = grant.times.size();
            assertTrue(n >= 3 && n <= 4, "one token request per window in total, not one per process: "
                    + grant.gaps());
            for (long gap : grant.gaps()) {
                // Each is planned 2-3 s after the previous refresh started; measured here at the server, a request
                // that was slow to arrive (a client's first) can shorten the next gap a little. Without adoption the
                // other process comes 0-1 s after the first.
                assertTrue(gap >= 1800, "a process refreshed although the other just had: " + grant.gaps());
            }
            assertEquals(n, a.report().refreshCount() + b.report().refreshCount());
            long adopted = log.lines("DEBUG").stream()
                    .filter(l -> l.contains("using the token another process stored")).count();
            assertTrue(adopted >= n - 1, adopted + " adoptions for " + n + " refreshes:\n" + log.text());
            assertEquals(List.of(), log.lines("ERROR"), log.text());
            assertNoTokenIn(log);
        }
    }

    @Test
    void aKeepAliveAnsweredInvalidGrantSaysOneErrorAndStops() throws Exception {
        IdleGrant grant = new IdleGrant(2);
        grant.dead = true;
        TokenStore store = store();
        try (LogCapture log = new LogCapture(Log.Level.DEBUG)) {
            grant.seed(store, null);
            CredentialsRegistry registry = registry(store, true);
            Credentials c = bind(registry);
            grant.awaitRequests(1, 5000);
            Thread.sleep(2500); // no keep-alive of a dead grant
            assertEquals(1, grant.times.size(), grant.gaps().toString());
            List<String> errors = log.lines("ERROR");
            assertEquals(1, errors.size(), log.text());
            String error = errors.get(0);
            assertTrue(error.contains("without a refresh"), error);
            assertTrue(error.contains("java -jar mcp-refresh.jar login " + URL), error);
            assertTrue(store.read().soleEntry(URL).needsLogin(), "the store marks it for every process");
            assertTrue(c.record().needsLogin());
            assertEquals(KeepAlivePlan.NONE, c.nextKeepAliveMillis(0));
            assertEquals(KeepAlivePlan.NONE, registry.keepAlive().plannedMillis(c));
            assertNoTokenIn(log);
        }
    }

    @Test
    void aGrantEndingWithinTheLeadIsSaidOnceWhileKeptAlive() throws Exception {
        IdleGrant grant = new IdleGrant(2);
        TokenStore store = store();
        try (LogCapture log = new LogCapture(Log.Level.INFO)) {
            grant.seed(store, clock.instant().plusSeconds(600));
            bind(registry(store, true));
            grant.awaitRequests(2, 6000); // kept alive: the end is far past the idle deadline
            Thread.sleep(200);
            List<String> warns = log.lines("WARN");
            assertEquals(1, warns.size(), log.text());
            assertTrue(warns.get(0).contains("session maximum"), warns.get(0));
            assertTrue(warns.get(0).contains("java -jar mcp-refresh.jar login " + URL), warns.get(0));
            assertEquals(List.of(), grant.problems);
            assertTrue(store.read().soleEntry(URL).sessionEndsAt() != null, "the stored end stays");
            assertNoTokenIn(log);
        }
    }
}
