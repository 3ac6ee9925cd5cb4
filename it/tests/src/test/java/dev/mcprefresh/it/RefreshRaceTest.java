package dev.mcprefresh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcprefresh.core.oauth.OAuthHttp;
import dev.mcprefresh.core.oauth.TokenEndpointClient;
import dev.mcprefresh.core.session.Credentials;
import dev.mcprefresh.core.store.TokenRecord;
import dev.mcprefresh.core.store.FileTokenStore;
import dev.mcprefresh.core.store.TokenStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Refresh under pressure, against the real authorization server with refresh-token rotation and reuse detection
 * on (a rotated refresh token presented again revokes the whole grant): threads and processes racing, processes
 * killed mid-refresh, the token endpoint going away and coming back, and a grant revoked under running apps.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RefreshRaceTest {
    private static final Pattern STRESS = Pattern.compile("STRESS ok=(\\d+) failed=(\\d+)");

    private Path work;
    private AuthorizationServer as;
    private McpServerProcess server;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        work = dir;
        as = AuthorizationServer.start(work);
        server = McpServerProcess.start("2.1", "streamable", as, work);
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
        if (as != null) {
            as.close();
        }
    }

    private Path seededStore(String name, AuthorizationServer.Tokens tokens, String tokenEndpoint) throws Exception {
        return seededStore(name, "app", tokens, tokenEndpoint);
    }

    private Path seededStore(String name, String clientId, AuthorizationServer.Tokens tokens, String tokenEndpoint)
            throws Exception {
        Path dir = Files.createDirectories(work.resolve(name));
        Path rt = dir.resolve("rt.txt");
        Files.writeString(rt, tokens.refreshToken());
        Path store = dir.resolve("store/tokens.json");
        List<String> args = new ArrayList<>(List.of("add", server.mcpUrl, "--client-id", clientId, "--refresh-token-file",
                rt.toString(), "--store", store.toString()));
        if (tokenEndpoint != null) {
            args.addAll(List.of("--token-endpoint", tokenEndpoint));
        }
        AgentCli.Result add = AgentCli.run(dir, args.toArray(new String[0]));
        assertEquals(0, add.exitCode(), add.output());
        return store;
    }

    @Test
    void sixtyFourThreadsCrossingAnExpiryMakeOneTokenRequest() throws Exception {
        AuthorizationServer.Tokens tokens = as.login("app");
        long reuseBefore = as.refreshTokenReuse();
        TokenStore store = new FileTokenStore(work.resolve("storm/tokens.json"), Duration.ofSeconds(30));
        Instant now = Instant.now();
        TokenRecord expired = TokenRecord.builder(server.mcpUrl).tokenEndpoint(as.issuer + "/token").clientId("app")
                .accessToken(tokens.accessToken()).expiresAt(now.minusSeconds(1)).updatedAt(now.minusSeconds(4))
                .refreshToken(tokens.refreshToken()).build();
        store.update(c -> {
            c.put(expired);
            return null;
        });
        ExecutorService refreshes = Executors.newCachedThreadPool();
        Credentials credentials = new Credentials(expired, store, new TokenEndpointClient(
                new OAuthHttp(Duration.ofSeconds(10)), Clock.systemUTC()), Clock.systemUTC(), Duration.ofSeconds(60),
                refreshes);
        ExecutorService callers = Executors.newFixedThreadPool(64);
        try {
            for (int round = 1; round <= 3; round++) {
                long before = as.tokenGrants("refresh_token");
                CountDownLatch go = new CountDownLatch(1);
                List<CompletableFuture<String>> headers = new ArrayList<>();
                for (int t = 0; t < 64; t++) {
                    CompletableFuture<String> h = new CompletableFuture<>();
                    headers.add(h);
                    callers.execute(() -> {
                        try {
                            go.await();
                            String now1 = credentials.header();
                            h.complete(now1 != null ? now1 : credentials.freshHeader().get(20, TimeUnit.SECONDS));
                        } catch (Exception e) {
                            h.completeExceptionally(e);
                        }
                    });
                }
                go.countDown();
                Set<String> distinct = ConcurrentHashMap.newKeySet();
                for (CompletableFuture<String> h : headers) {
                    distinct.add(h.get(30, TimeUnit.SECONDS));
                }
                assertEquals(1, as.tokenGrants("refresh_token") - before, "round " + round + ": one token request");
                assertEquals(1, distinct.size(), "every thread got the same fresh token");
                Thread.sleep(3100); // let the 3-second token expire before the next round
            }
        } finally {
            callers.shutdownNow();
            refreshes.shutdownNow();
        }
        assertEquals(reuseBefore, as.refreshTokenReuse());
    }

    @Test
    void fourJvmsOfSixteenThreadsShareOneStoreWithoutReusingARefreshToken() throws Exception {
        // 5-second tokens: 64 threads on 2 cores keep the authorization server's introspection busy enough that a
        // 3-second token can die between the gate receiving a request and the introspection answering.
        AuthorizationServer.Tokens tokens = as.login("app-5s");
        Path store = seededStore("four-jvms", "app-5s", tokens, null);
        Secrets secrets = new Secrets();
        secrets.add(tokens);
        long refreshesBefore = as.tokenGrants("refresh_token");
        long reuseBefore = as.refreshTokenReuse();
        long errorsBefore = as.tokenErrors("refresh_token:invalid_grant");
        Path tokenFile = work.resolve("four-jvms/static.txt");
        Files.writeString(tokenFile, tokens.accessToken());
        List<ForkedProcess> jvms = new ArrayList<>();
        long started = System.nanoTime();
        for (int i = 0; i < 4; i++) {
            jvms.add(ForkedProcess.start("stress-" + i, List.of(ItEnv.java().toString(),
                    "-javaagent:" + ItEnv.agentJar() + "=store=" + store + ",log.level=debug",
                    "-cp", ItEnv.appClasspath("2.1"), ItEnv.APP_PACKAGE + ".StressApp", "streamable-requestBuilder",
                    server.baseUrl, "60", "500", tokenFile.toString(), "16"), work));
        }
        int ok = 0;
        for (ForkedProcess jvm : jvms) {
            try (jvm) {
                jvm.waitFor(Duration.ofSeconds(120));
                Matcher m = STRESS.matcher(jvm.output());
                assertTrue(m.find(), jvm.output());
                assertEquals("0", m.group(2), jvm.name() + " had failed calls:\n" + jvm.output()
                        + "\nMCP server: " + serverStats() + "\n" + server.output());
                ok += Integer.parseInt(m.group(1));
                secrets.assertNotIn(jvm.name(), jvm.output());
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        long refreshes = as.tokenGrants("refresh_token") - refreshesBefore;
        assertEquals(4 * 16 * 60, ok);
        assertEquals(0, as.refreshTokenReuse() - reuseBefore, "no process ever sent a rotated refresh token");
        assertEquals(0, as.tokenErrors("refresh_token:invalid_grant") - errorsBefore);
        double lifetimes = seconds / 5.0;
        assertTrue(lifetimes >= 5, "the run must span five token lifetimes: " + seconds + " s");
        assertTrue(refreshes <= 2 * lifetimes + 2, "near one refresh per token lifetime, not one per process: "
                + refreshes + " refreshes in " + lifetimes + " lifetimes");
        System.out.printf("FIGURES four-jvms: %d calls ok, 0 failed, %d refreshes in %.1f s (%.1f token lifetimes),"
                + " 0 reused refresh tokens%n", ok, refreshes, seconds, lifetimes);

        // The zero above means something only if the server does detect reuse: show that it does.
        AuthorizationServer.Tokens probe = as.login("app");
        TokenEndpointClient client = new TokenEndpointClient(new OAuthHttp(Duration.ofSeconds(5)), Clock.systemUTC());
        TokenRecord probeRecord = TokenRecord.builder("probe").tokenEndpoint(as.issuer + "/token").clientId("app")
                .refreshToken(probe.refreshToken()).build();
        client.refresh(probeRecord);
        try {
            client.refresh(probeRecord);
        } catch (dev.mcprefresh.core.oauth.TokenEndpointException expected) {
            assertTrue(expected.needsLogin());
        }
        assertEquals(reuseBefore + 1, as.refreshTokenReuse(), "the server's reuse detection is on");
    }

    @Test
    void processesKilledMidRefreshNeverLeaveABrokenStore() throws Exception {
        AuthorizationServer.Tokens tokens = as.login("app");
        Path store = seededStore("kill-9", tokens, null);
        TokenStore reader = new FileTokenStore(store, Duration.ofSeconds(30));
        int runs = 0;
        int killedBeforeServerCommitted = 0;
        int completed = 0;
        int lostInFlight = 0;
        // Kill times spread over how long one refresh takes on this machine now (a JVM start, a lock, a round trip),
        // so that kills land before, during and after the server's rotation however fast or slow the machine is.
        long started = System.nanoTime();
        try (ForkedProcess calibration = ForkedProcess.start("refresh-calibration", List.of(ItEnv.java().toString(),
                "-jar", ItEnv.agentJar().toString(), "refresh", server.mcpUrl, "--store", store.toString()), work)) {
            assertEquals(0, calibration.waitFor(Duration.ofSeconds(60)), calibration.output());
        }
        long fullRunMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        while (runs < 100 && System.nanoTime() < deadline) {
            runs++;
            String before = reader.read().soleEntry(server.mcpUrl).refreshToken();
            long grantsBefore = as.tokenGrants("refresh_token");
            ForkedProcess p = ForkedProcess.start("refresh-" + runs, List.of(ItEnv.java().toString(), "-jar",
                    ItEnv.agentJar().toString(), "refresh", server.mcpUrl, "--store", store.toString()), work);
            Thread.sleep(ThreadLocalRandom.current().nextLong(fullRunMillis / 4, fullRunMillis * 5 / 4));
            p.killHard();
            TokenRecord after = reader.read().soleEntry(server.mcpUrl); // must parse, every time
            assertNotNull(after, "the entry is still there after run " + runs);
            assertNotNull(after.refreshToken(), "a refresh token is still stored after run " + runs);
            boolean serverRotated = as.tokenGrants("refresh_token") > grantsBefore;
            if (as.active(after.refreshToken())) {
                if (serverRotated) {
                    completed++;
                } else {
                    killedBeforeServerCommitted++;
                }
                continue;
            }
            // Not accepted: only allowed when the server rotated and the process died before its answer was on
            // disk (no client can keep that token without the server's help); the stored token must then be
            // exactly the one sent, never a half-written or mixed state.
            assertTrue(serverRotated, "run " + runs + ": the stored refresh token is dead, yet the server never rotated it");
            assertEquals(before, after.refreshToken(), "run " + runs + ": a dead token that was not the one sent");
            lostInFlight++;
            seededStore("kill-9", as.login("app"), null);
        }
        System.out.printf("FIGURES kill-9: %d runs: %d refreshes completed, %d killed before the server rotated,"
                + " %d killed between the server's rotation and our fsync; the store parsed every time%n",
                runs, completed, killedBeforeServerCommitted, lostInFlight);
        assertTrue(runs >= 100, "100 runs within the time bound: " + runs);
        assertTrue(completed > 0 && killedBeforeServerCommitted > 0, "kills landed both before and after refreshes");
    }

    @Test
    void aTokenEndpointOutageBacksOffAndRecoversWithoutARestart() throws Exception {
        AuthorizationServer.Tokens tokens = as.login("app");
        try (FlakyTokenEndpoint endpoint = new FlakyTokenEndpoint(as.issuer + "/token")) {
            Path store = seededStore("outage", tokens, endpoint.url());
            Path dir = work.resolve("outage");
            try (ClientRun run = ClientRun.start("2.1", "streamable-requestBuilder", server.baseUrl,
                    tokens.accessToken(), store, 18, 1000, dir)) {
                run.process.awaitLine(l -> l.equals("CALL 2 OK"), Duration.ofSeconds(60));
                endpoint.set(FlakyTokenEndpoint.State.ANSWERS_503);
                Thread.sleep(4000);
                endpoint.set(FlakyTokenEndpoint.State.REFUSES_CONNECTIONS);
                Thread.sleep(4000);
                int duringOutage = endpoint.answered503.get();
                endpoint.set(FlakyTokenEndpoint.State.UP);
                int relayedAtRecovery = endpoint.relayed.get();
                run.finish();
                String out = run.output();
                assertTrue(run.failed > 0, "during the outage the app sees the 401 it would see without the agent");
                assertTrue(duringOutage >= 1 && duringOutage <= 6, "bounded back-off, no tight loop: "
                        + duringOutage + " requests in 4 s of 503s");
                assertTrue(out.contains("CALL 17 OK") && out.contains("CALL 18 OK"),
                        "recovered by itself once the endpoint was back:\n" + out);
                assertTrue(endpoint.relayed.get() > relayedAtRecovery);
                assertEquals(1, count(out, "could not refresh the token"), "one warning per outage:\n" + out);
                System.out.printf("FIGURES outage: %d token requests answered 503 during 4 s, calls ok=%d failed=%d%n",
                        duringOutage, run.ok, run.failed);
            }
        }
    }

    /**
     * An app stopped (SIGTERM, as a container stop or a rolling deploy sends) while its refresh is on the wire: the
     * server has rotated the refresh token, its answer is still on the way. The JVM must not end before that answer
     * is stored, or the store keeps a spent refresh token and the next refresh (another process, or this app
     * restarted) trips reuse detection, which revokes the grant.
     */
    @Test
    void anAppStoppedMidRefreshStoresTheRotatedTokenBeforeItEnds() throws Exception {
        AuthorizationServer.Tokens tokens = as.login("app");
        try (FlakyTokenEndpoint endpoint = new FlakyTokenEndpoint(as.issuer + "/token")) {
            Path store = seededStore("stopped", tokens, endpoint.url());
            Path dir = work.resolve("stopped");
            long reuseBefore = as.refreshTokenReuse();
            try (ClientRun run = ClientRun.start("2.1", "streamable-requestBuilder", server.baseUrl,
                    tokens.accessToken(), store, 60, 500, dir)) {
                run.process.awaitLine(l -> l.equals("CALL 1 OK"), Duration.ofSeconds(60));
                endpoint.set(FlakyTokenEndpoint.State.ANSWERS_LATE);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (endpoint.heldBack.get() == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertTrue(endpoint.heldBack.get() > 0, "a refresh of the app reached the server:\n"
                        + run.output());
                // The store is written only once the answer is in: it still holds the refresh token the server just
                // spent.
                String spent = new FileTokenStore(store, Duration.ofSeconds(5)).read().soleEntry(server.mcpUrl)
                        .refreshToken();
                long stoppedAt = System.nanoTime();
                assertTrue(run.process.terminate(Duration.ofSeconds(20)), "the app ended after SIGTERM");
                long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stoppedAt);
                System.out.printf("FIGURES stopped mid-refresh: the JVM ended %d ms after SIGTERM (the answer was"
                        + " %d ms late)%n", tookMillis, FlakyTokenEndpoint.LATE_MILLIS);
                String stored = new FileTokenStore(store, Duration.ofSeconds(5)).read().soleEntry(server.mcpUrl)
                        .refreshToken();
                assertTrue(!stored.equals(spent), "the rotated refresh token was stored before the JVM"
                        + " ended; the store still holds the one the server spent:\n" + run.output());
            }
            endpoint.set(FlakyTokenEndpoint.State.UP);
            AgentCli.Result refresh = AgentCli.run(dir, "refresh", server.mcpUrl, "--store", store.toString());
            assertEquals(0, refresh.exitCode(), "the grant lives on:\n" + refresh.output());
            assertEquals(reuseBefore, as.refreshTokenReuse(), "no refresh token was presented twice");
        }
    }

    @Test
    void aRevokedGrantIsMarkedOnceAndNoProcessLoops() throws Exception {
        AuthorizationServer.Tokens tokens = as.login("app");
        Path store = seededStore("revoked", tokens, null);
        Path dir = work.resolve("revoked");
        long errorsBefore = as.tokenErrors("refresh_token:invalid_grant");
        try (ClientRun first = ClientRun.start("2.1", "streamable-requestBuilder", server.baseUrl,
                tokens.accessToken(), store, 8, 1000, dir)) {
            first.process.awaitLine(l -> l.equals("CALL 1 OK"), Duration.ofSeconds(60));
            as.revokeGrant("app", new FileTokenStore(store, Duration.ofSeconds(5)).read().soleEntry(server.mcpUrl).refreshToken());
            first.finish();
            assertTrue(first.failed > 0, first.output());
            assertEquals(1, count(first.output(), "rejected the refresh"), "one clear line:\n" + first.output());
            assertTrue(first.output().contains("mcp-refresh.jar login " + server.mcpUrl), first.output());
        }
        // One refused refresh marks the grant; a second is allowed when the first was an early (background) refresh
        // of a still-valid token, which some servers refuse without the grant being dead: it is retried once, at
        // expiry. More would be a loop.
        long refused = as.tokenErrors("refresh_token:invalid_grant") - errorsBefore;
        assertTrue(refused >= 1 && refused <= 2, "no retry loop: " + refused + " refused refreshes");
        TokenRecord marked = new FileTokenStore(store, Duration.ofSeconds(5)).read().soleEntry(server.mcpUrl);
        assertTrue(marked.needsLogin(), "the mark is in the store for every process");
        assertNotNull(marked.refreshToken(), "nothing was wiped");

        try (ClientRun second = ClientRun.start("2.1", "streamable-requestBuilder", server.baseUrl,
                tokens.accessToken(), store, 3, 500, dir).finish()) {
            assertTrue(second.output().contains("needing a new login"), second.output());
        }
        assertEquals(refused, as.tokenErrors("refresh_token:invalid_grant") - errorsBefore,
                "another process sees the mark and sends nothing");
        AgentCli.Result status = AgentCli.run(dir, "status", "--store", store.toString());
        assertTrue(status.output().contains("yes: java -jar mcp-refresh.jar login"), status.output());
    }

    private String serverStats() throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(server.baseUrl + "/test/stats")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
