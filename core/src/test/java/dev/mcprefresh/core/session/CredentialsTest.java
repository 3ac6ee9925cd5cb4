package dev.mcprefresh.core.session;

import dev.mcprefresh.core.LogCapture;
import dev.mcprefresh.core.log.Log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcprefresh.core.LoopbackServer;
import dev.mcprefresh.core.LoopbackServer.Reply;
import dev.mcprefresh.core.oauth.OAuthHttp;
import dev.mcprefresh.core.oauth.TokenEndpointClient;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialsTest {
    private static final String URL = "https://mcp.example/mcp";

    @TempDir
    Path dir;
    private final LoopbackServer as;
    private final AtomicInteger issued = new AtomicInteger();

    CredentialsTest() throws Exception {
        as = new LoopbackServer();
    }

    @AfterEach
    void stop() {
        as.close();
    }

    private TokenStore store() {
        return new FileTokenStore(dir.resolve("tokens.json"), Duration.ofSeconds(10));
    }

    private TokenRecord seed(TokenStore store, String access, Instant expiresAt, Instant updatedAt) {
        TokenRecord r = TokenRecord.builder(URL).tokenEndpoint(as.base() + "/token").clientId("c").accessToken(access)
                .expiresAt(expiresAt).updatedAt(updatedAt).refreshToken("rt-0").scope("mcp").build();
        store.update(c -> {
            c.put(r);
            return null;
        });
        return r;
    }

    private Credentials credentials(TokenStore store, TokenRecord initial) {
        return new Credentials(initial, store, new TokenEndpointClient(new OAuthHttp(Duration.ofSeconds(2)),
                Clock.systemUTC()), Clock.systemUTC(), Duration.ofSeconds(60), Executors.newCachedThreadPool());
    }

    /** A rotating token endpoint: each refresh returns a new access token and a new refresh token. */
    private void rotatingEndpoint(long delayMillis) {
        as.route("/token", r -> {
            Thread.sleep(delayMillis);
            int n = issued.incrementAndGet();
            return Reply.json(200, "{\"access_token\":\"at-" + n + "\",\"expires_in\":60,\"refresh_token\":\"rt-" + n
                    + "\",\"token_type\":\"Bearer\"}");
        });
    }

    @Test
    void validTokenIsServedWithoutAnyRequest() {
        TokenStore store = store();
        Instant now = Instant.now();
        Credentials c = credentials(store, seed(store, "at-0", now.plusSeconds(3600), now));
        String first = c.header();
        assertEquals("Bearer at-0", first);
        assertSame(first, c.header(), "the fast path hands out the same precomputed string");
        assertEquals(0, as.requests.size());
    }

    @Test
    void manyThreadsCrossingExpiryCauseOneTokenRequest() throws Exception {
        rotatingEndpoint(200);
        TokenStore store = store();
        Instant now = Instant.now();
        Credentials c = credentials(store, seed(store, "at-0", now.minusSeconds(1), now.minusSeconds(61)));
        assertNull(c.header(), "an expired token is never handed out");
        int threads = 64;
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<String>> results = new ArrayList<>();
        var pool = Executors.newFixedThreadPool(threads);
        for (int i = 0; i < threads; i++) {
            CompletableFuture<String> f = new CompletableFuture<>();
            results.add(f);
            pool.execute(() -> {
                try {
                    go.await();
                    f.complete(c.freshHeader().get(5, TimeUnit.SECONDS));
                } catch (Exception e) {
                    f.completeExceptionally(e);
                }
            });
        }
        go.countDown();
        for (CompletableFuture<String> f : results) {
            assertEquals("Bearer at-1", f.get(10, TimeUnit.SECONDS));
        }
        pool.shutdown();
        assertEquals(1, as.hits("/token"));
        TokenRecord stored = store.read().soleEntry(URL);
        assertEquals("at-1", stored.accessToken());
        assertEquals("rt-1", stored.refreshToken(), "the rotated refresh token is persisted");
        assertEquals("mcp", stored.scope(), "scope kept when the response omits it");
    }

    @Test
    void aNewTokenThatCannotBeSavedIsKeptInMemoryAndSaidOnce() throws Exception {
        Path file = dir.resolve("tokens.json");
        // While the token request is out, the store becomes a symbolic link, which the store refuses to write through.
        as.route("/token", r -> {
            Path elsewhere = dir.resolve("elsewhere.json");
            Files.move(file, elsewhere);
            Files.createSymbolicLink(file, elsewhere);
            return Reply.json(200, "{\"access_token\":\"at-1\",\"expires_in\":60,\"refresh_token\":\"rt-1\","
                    + "\"token_type\":\"Bearer\"}");
        });
        TokenStore store = store();
        Instant now = Instant.now();
        Credentials c = credentials(store, seed(store, "at-0", now.minusSeconds(1), now.minusSeconds(61)));
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        dev.mcprefresh.core.log.Log.setOutput(new java.io.PrintStream(log, true));
        try {
            assertEquals("Bearer at-1", c.freshHeader().get(5, TimeUnit.SECONDS));
            assertEquals("Bearer at-1", c.header(), "the answer is kept: the rotated refresh token lives on in memory");
            assertEquals("rt-1", c.record().refreshToken());
            String[] lines = log.toString().trim().split("\\n");
            assertEquals(1, lines.length, log.toString());
            assertTrue(lines[0].contains("WARN the new token for " + URL + " could not be saved"), lines[0]);
            assertTrue(lines[0].contains("symbolic link"), lines[0]);
            assertFalse(lines[0].contains("at-1") || lines[0].contains("rt-1"), "no token in the line");
            assertEquals(1, as.hits("/token"));
        } finally {
            dev.mcprefresh.core.log.Log.setOutput(System.err);
        }
    }

    /**
     * Before: the next refresh re-read the store and presented the superseded refresh token (rt-0), which a server
     * with reuse detection answers by revoking the whole grant.
     */
    @Test
    void aRotatedRefreshTokenThatCouldNotBeSavedIsTheOneUsedNextAndThenWrittenBack() throws Exception {
        Path file = dir.resolve("tokens.json");
        Path elsewhere = dir.resolve("elsewhere.json");
        as.route("/token", r -> {
            int n = issued.incrementAndGet();
            if (n == 1) { // the store turns into a symbolic link while the first answer is on its way
                Files.move(file, elsewhere);
                Files.createSymbolicLink(file, elsewhere);
            }
            return Reply.json(200, "{\"access_token\":\"at-" + n + "\",\"expires_in\":60,\"refresh_token\":\"rt-"
                    + n + "\",\"token_type\":\"Bearer\"}");
        });
        TokenStore store = store();
        Instant now = Instant.now();
        Credentials c = credentials(store, seed(store, "at-0", now.minusSeconds(1), now.minusSeconds(61)));
        assertEquals("Bearer at-1", c.freshHeader().get(5, TimeUnit.SECONDS));
        assertEquals("rt-0", new FileTokenStore(elsewhere, Duration.ofSeconds(5)).read().soleEntry(URL).refreshToken(),
                "the store still holds the superseded refresh token");

        // Still unwritable: no refresh is spent on a store that cannot keep its answer.
        assertNull(c.onUnauthorized("Bearer at-1").get(5, TimeUnit.SECONDS));
        assertEquals(1, as.hits("/token"));
        assertEquals("Bearer at-1", c.header(), "the in-memory token goes on being used");

        // Writable again: the next refresh presents rt-1 from memory, never rt-0, and the store ends up current.
        Files.delete(file);
        Files.move(elsewhere, file);
        Thread.sleep(1100); // past the back-off
        assertEquals("Bearer at-2", c.onUnauthorized("Bearer at-1").get(5, TimeUnit.SECONDS));
        assertTrue(as.requests.get(1).body().contains("refresh_token=rt-1"), as.requests.get(1).body());
        assertFalse(as.requests.stream().skip(1).anyMatch(r -> r.body().contains("refresh_token=rt-0")),
                "the superseded refresh token is never presented again");
        assertEquals("rt-2", store.read().soleEntry(URL).refreshToken());
    }

    /**
     * Before: a rotation the store could not take was written back only at this process's next refresh; meanwhile
     * another process sharing the store (a host of a fleet, after a database restart) presented the superseded
     * refresh token and reuse detection ended the grant.
     */
    @Test
    void aRotatedTokenKeptInMemoryIsWrittenBackAsSoonAsTheStoreTakesItWithoutARefresh() throws Exception {
        Path file = dir.resolve("tokens.json");
        Path elsewhere = dir.resolve("elsewhere.json");
        as.route("/token", r -> {
            int n = issued.incrementAndGet();
            Files.move(file, elsewhere);
            Files.createSymbolicLink(file, elsewhere);
            return Reply.json(200, "{\"access_token\":\"at-" + n + "\",\"expires_in\":60,\"refresh_token\":\"rt-"
                    + n + "\",\"token_type\":\"Bearer\"}");
        });
        TokenStore store = store();
        Instant now = Instant.now();
        Credentials c = credentials(store, seed(store, "at-0", now.minusSeconds(1), now.minusSeconds(61)));
        try (LogCapture log = new LogCapture(Log.Level.INFO)) {
            assertEquals("Bearer at-1", c.freshHeader().get(5, TimeUnit.SECONDS));
            Thread.sleep(600); // write-backs fail meanwhile: the store is still a symbolic link
            Files.delete(file);
            Files.move(elsewhere, file);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
            while (!"rt-1".equals(store.read().soleEntry(URL).refreshToken()) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals("rt-1", store.read().soleEntry(URL).refreshToken(), "written back by itself");
            assertEquals("at-1", store.read().soleEntry(URL).accessToken());
            assertEquals(1, as.hits("/token"), "without another token request");
            assertEquals(1, log.lines("WARN").size(), "the unsaved token is said once, its write-back not: " + log.text());
        }
    }

    @Test
    void aRotatedTokenKeptInMemoryIsWrittenBackBeforeItIsAdoptedOrRefreshed() throws Exception {
        Path file = dir.resolve("tokens.json");
        Path elsewhere = dir.resolve("elsewhere.json");
        as.route("/token", r -> {
            int n = issued.incrementAndGet();
            Files.move(file, elsewhere);
            Files.createSymbolicLink(file, elsewhere);
            return Reply.json(200, "{\"access_token\":\"at-" + n + "\",\"expires_in\":1,\"refresh_token\":\"rt-"
                    + n + "\",\"token_type\":\"Bearer\"}");
        });
        TokenStore store = store();
        Instant now = Instant.now();
        Credentials c = credentials(store, seed(store, "at-0", now.minusSeconds(1), now.minusSeconds(61)));
        assertEquals("Bearer at-1", c.freshHeader().get(5, TimeUnit.SECONDS));
        Files.delete(file);
        Files.move(elsewhere, file);
        // Another identity's login on the same server must not disturb this entry.
        store.update(contents -> {
            contents.put(TokenRecord.builder(URL).subject("someone-else").tokenEndpoint(as.base() + "/token")
                    .clientId("c").accessToken("at-other").refreshToken("rt-other").build());
            return null;
        });
        as.route("/token", r -> Reply.json(200, "{\"access_token\":\"at-9\",\"expires_in\":60,"
                + "\"refresh_token\":\"rt-9\",\"token_type\":\"Bearer\"}"));
        assertEquals("Bearer at-9", c.onUnauthorized("Bearer at-1").get(5, TimeUnit.SECONDS));
        assertTrue(as.requests.get(1).body().contains("refresh_token=rt-1"), as.requests.get(1).body());
        TokenRecord mine = store.read().get(c.entryId());
        assertEquals("rt-9", mine.refreshToken());
        assertEquals(2, store.read().forServer(URL).size());
        assertTrue(store.read().records().stream().anyMatch(r -> "rt-other".equals(r.refreshToken())),
                "the other identity's entry is untouched");
    }

    /**
     * A server that names no user cannot tell a re-login from another user's login: a running transport never takes
     * up the new grant (it would change the identity of a running connection), and says so once.
     */
    @Test
    void aNewLoginOfAnUnnamedUserIsNeverTakenUpByARunningApp() throws Exception {
        rotatingEndpoint(0);
        TokenStore store = store();
        Instant now = Instant.now();
        TokenRecord first = TokenRecord.builder(URL).tokenEndpoint(as.base() + "/token").clientId("c")
                .accessToken("at-first").expiresAt(now.plusSeconds(3600)).updatedAt(now).refreshToken("rt-first")
                .newGrant().build();
        store.update(contents -> {
            contents.put(first);
            return null;
        });
        Credentials c = credentials(store, first);
        store.update(contents -> { // `login` again, by whoever: same entry, a new grant
            contents.put(first.toBuilder().accessToken("at-other").refreshToken("rt-other").updatedAt(Instant.now())
                    .newGrant().build());
            return null;
        });
        try (dev.mcprefresh.core.LogCapture log = new dev.mcprefresh.core.LogCapture(dev.mcprefresh.core.log.Log.Level.INFO)) {
            assertNull(c.onUnauthorized("Bearer at-first").get(5, TimeUnit.SECONDS), "not adopted");
            assertEquals(0, as.hits("/token"), "and the new grant's refresh token is not used either");
            assertEquals(1, log.lines("WARN").size(), log.text());
            assertTrue(log.text().contains("replaced by a new login"), log.text());
        }
    }

    @Test
    void aNewLoginOfTheSameNamedUserIsTakenUpByARunningApp() throws Exception {
        TokenStore store = store();
        Instant now = Instant.now();
        TokenRecord alice = TokenRecord.builder(URL).subject("alice").tokenEndpoint(as.base() + "/token")
                .clientId("c").accessToken("at-1").expiresAt(now.minusSeconds(1)).updatedAt(now.minusSeconds(61))
                .refreshToken("rt-1").needsLogin(true, "invalid_grant").newGrant().build();
        store.update(contents -> {
            contents.put(alice);
            return null;
        });
        Credentials c = credentials(store, alice);
        store.update(contents -> { // alice logs in again after her grant died
            contents.put(alice.toBuilder().accessToken("at-new").expiresAt(Instant.now().plusSeconds(3600))
                    .updatedAt(Instant.now()).refreshToken("rt-new").needsLogin(false, null).newGrant().build());
            return null;
        });
        Thread.sleep(1100); // a marked entry is looked at again at most once a second
        assertEquals("Bearer at-new", c.freshHeader().get(5, TimeUnit.SECONDS), "recovers without a restart");
    }

    /** Before: a later login of another account to the same URL was adopted mid-session by every running JVM. */
    @Test
    void anotherUsersLoginToTheSameServerIsNeverAdopted() throws Exception {
        rotatingEndpoint(0);
        TokenStore store = store();
        Instant now = Instant.now();
        TokenRecord alice = TokenRecord.builder(URL).subject("alice").tokenEndpoint(as.base() + "/token").clientId("c")
                .accessToken("at-alice").expiresAt(now.plusSeconds(3600)).updatedAt(now).refreshToken("rt-alice")
                .build();
        store.update(contents -> {
            contents.put(alice);
            return null;
        });
        Credentials c = credentials(store, alice);
        store.update(contents -> {
            contents.put(TokenRecord.builder(URL).subject("bob").tokenEndpoint(as.base() + "/token").clientId("c")
                    .accessToken("at-bob").expiresAt(now.plusSeconds(3600)).updatedAt(Instant.now())
                    .refreshToken("rt-bob").build());
            return null;
        });
        assertEquals("Bearer at-1", c.onUnauthorized("Bearer at-alice").get(5, TimeUnit.SECONDS),
                "a refresh of alice's own grant, not bob's fresh token");
        assertTrue(as.requests.get(0).body().contains("refresh_token=rt-alice"), as.requests.get(0).body());
        assertEquals("rt-bob", store.read().records().stream().filter(r -> "bob".equals(r.subject())).findFirst()
                .orElseThrow().refreshToken());
    }

    @Test
    void unauthorizedWithTheCurrentTokenRefreshesOnceAndNotAgainForTheOldToken() throws Exception {
        rotatingEndpoint(0);
        TokenStore store = store();
        Instant now = Instant.now();
        Credentials c = credentials(store, seed(store, "at-0", now.plusSeconds(3600), now));
        assertEquals("Bearer at-1", c.onUnauthorized("Bearer at-0").get(5, TimeUnit.SECONDS));
        // A request that left with the old token and comes back 401 now just replays with the new one.
        assertEquals("Bearer at-1", c.onUnauthorized("Bearer at-0").get(5, TimeUnit.SECONDS));
        assertEquals(1, as.hits("/token"));
    }

    @Test
    void aReplayNeverUsesATokenThatIsAboutToExpire() throws Exception {
        rotatingEndpoint(0);
        TokenStore store = store();
        Instant now = Instant.now();
        // The current token differs from the rejected one but is inside its refresh window: refresh instead.
        Credentials c = credentials(store, seed(store, "at-0", now.plusMillis(500), now.minusSeconds(10)));
        assertEquals("Bearer at-1", c.onUnauthorized("Bearer older").get(5, TimeUnit.SECONDS));
        assertEquals(1, as.hits("/token"));
    }

    @Test
    void aTokenAnotherProcessStoredIsAdoptedWithoutARequest() throws Exception {
        rotatingEndpoint(0);
        TokenStore store = store();
        Instant now = Instant.now();
        TokenRecord mine = seed(store, "at-0", now.minusSeconds(1), now.minusSeconds(61));
        Credentials c = credentials(store, mine);
        // Another process refreshed meanwhile.
        seed(store, "at-other", now.plusSeconds(3600), now);
        assertEquals("Bearer at-other", c.freshHeader().get(5, TimeUnit.SECONDS));
        assertEquals(0, as.hits("/token"));
    }

    @Test
    void aRejectedRequestIsNotReplayedWithAnotherProcesssTokenPastHalfItsLife() throws Exception {
        rotatingEndpoint(0);
        TokenStore store = store();
        Instant now = Instant.now();
        TokenRecord mine = seed(store, "at-0", now.plusSeconds(30), now.minusSeconds(30));
        Credentials c = credentials(store, mine);
        // Another process stored a token 6 s into a 10 s life: valid, not yet due for refresh, but too old to replay.
        seed(store, "at-other", now.plusSeconds(4), now.minusSeconds(6));
        assertEquals("Bearer at-1", c.onUnauthorized("Bearer at-0").get(5, TimeUnit.SECONDS));
        assertEquals(1, as.hits("/token"));
    }

    @Test
    void oldRefreshTokenIsKeptWhenTheServerDoesNotRotate() throws Exception {
        as.route("/token", r -> Reply.json(200, "{\"access_token\":\"at-n\",\"expires_in\":60}"));
        TokenStore store = store();
        Instant now = Instant.now();
        Credentials c = credentials(store, seed(store, "at-0", now.minusSeconds(1), now.minusSeconds(61)));
        assertEquals("Bearer at-n", c.freshHeader().get(5, TimeUnit.SECONDS));
        assertEquals("rt-0", store.read().soleEntry(URL).refreshToken());
    }

    @Test
    void invalidGrantMarksTheEntryAndDoesNotLoop() throws Exception {
        as.route("/token", r -> Reply.json(400, "{\"error\":\"invalid_grant\"}"));
        TokenStore store = store();
        Instant now = Instant.now();
        Credentials c = credentials(store, seed(store, "at-0", now.minusSeconds(1), now.minusSeconds(61)));
        assertNull(c.freshHeader().get(5, TimeUnit.SECONDS));
        for (int i = 0; i < 20; i++) {
            assertNull(c.onUnauthorized("Bearer at-0").get(5, TimeUnit.SECONDS));
        }
        assertEquals(1, as.hits("/token"), "a rejected grant is not retried");
        TokenRecord stored = store.read().soleEntry(URL);
        assertTrue(stored.needsLogin(), "other processes see that a login is needed");
        assertEquals("rt-0", stored.refreshToken(), "nothing is wiped");
    }

    /** Before: the rejected token was served until it expired, replacing the header of an app that got a new one. */
    @Test
    void aTokenTheServerRejectedIsNotServedAgainWhenNoNewOneCanBeHad() throws Exception {
        as.route("/token", r -> Reply.json(400, "{\"error\":\"invalid_grant\"}"));
        TokenStore store = store();
        Instant now = Instant.now();
        Credentials c = credentials(store, seed(store, "at-0", now.plusSeconds(3600), now));
        assertEquals("Bearer at-0", c.header());
        assertNull(c.onUnauthorized("Bearer at-0").get(5, TimeUnit.SECONDS));
        assertNull(c.header(), "the server said no to it: requests go out as the app built them");
        assertNull(c.freshHeader().get(5, TimeUnit.SECONDS));
        assertEquals(1, as.hits("/token"), "and the dead grant is not asked again");
        seed(store, "at-after-login", now.plusSeconds(3600), Instant.now()); // the user ran login again
        Thread.sleep(1100); // a marked entry is looked at again at most once a second
        assertEquals("Bearer at-after-login", c.freshHeader().get(5, TimeUnit.SECONDS));
        assertEquals("Bearer at-after-login", c.header());
    }

    @Test
    void aServerThatRefusesEarlyRefreshIsAskedAgainAtExpiryBeforeTheGrantCountsAsDead() throws Exception {
        as.route("/token", r -> Reply.json(400, "{\"error\":\"invalid_grant\"}"));
        TokenStore store = store();
        Instant now = Instant.now();
        // 1.2 s left of a 100 s token: inside the refresh window.
        Credentials c = credentials(store, seed(store, "at-0", now.plusMillis(1200), now.minusSeconds(99)));
        assertEquals("Bearer at-0", c.header());
        long deadline = System.currentTimeMillis() + 3000;
        while (as.hits("/token") == 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        Thread.sleep(100);
        assertEquals("Bearer at-0", c.header(), "the still-valid token keeps being used");
        assertEquals(1, as.hits("/token"), "no second early attempt");
        assertFalse(store.read().soleEntry(URL).needsLogin(), "an early refusal is not a dead grant");
        Thread.sleep(1300); // now expired
        assertNull(c.freshHeader().get(5, TimeUnit.SECONDS));
        assertEquals(2, as.hits("/token"));
        assertTrue(store.read().soleEntry(URL).needsLogin(), "refused again once expired: now a new login is needed");
    }

    @Test
    void aNewLoginClearsTheNeedsLoginState() throws Exception {
        as.route("/token", r -> Reply.json(400, "{\"error\":\"invalid_grant\"}"));
        TokenStore store = store();
        Instant now = Instant.now();
        Credentials c = credentials(store, seed(store, "at-0", now.minusSeconds(1), now.minusSeconds(61)));
        assertNull(c.freshHeader().get(5, TimeUnit.SECONDS));
        seed(store, "at-after-login", now.plusSeconds(3600), now); // the user ran add/login again
        Thread.sleep(1100); // re-checked at most once a second
        assertEquals("Bearer at-after-login", c.freshHeader().get(5, TimeUnit.SECONDS));
    }

    @Test
    void serverErrorsBackOffInsteadOfHammering() throws Exception {
        as.route("/token", r -> Reply.json(503, "{}"));
        TokenStore store = store();
        Instant now = Instant.now();
        Credentials c = credentials(store, seed(store, "at-0", now.minusSeconds(1), now.minusSeconds(61)));
        for (int i = 0; i < 50; i++) {
            assertNull(c.freshHeader().get(5, TimeUnit.SECONDS));
        }
        assertEquals(1, as.hits("/token"), "calls during the back-off make no request");
        assertFalse(store.read().soleEntry(URL).needsLogin(), "a transient failure is not a rejected grant");
        rotatingEndpoint(0);
        Thread.sleep(1100); // first back-off is 0.5-1 s
        assertEquals("Bearer at-1", c.freshHeader().get(5, TimeUnit.SECONDS), "recovers by itself");
    }

    /** Before: any 400/401 marked the grant dead in every process, a client misconfiguration or a proxy's 401 too. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"invalid_client", "unauthorized_client", "invalid_target",
        "invalid_scope"})
    void aConfigurationErrorIsSaidOnceWithWhatToFixAndTheGrantIsNotMarkedDead(String error) throws Exception {
        as.route("/token", r -> Reply.json(400, "{\"error\":\"" + error + "\"}"));
        TokenStore store = store();
        Instant now = Instant.now();
        Credentials c = credentials(store, seed(store, "at-0", now.minusSeconds(1), now.minusSeconds(61)));
        try (dev.mcprefresh.core.LogCapture log = new dev.mcprefresh.core.LogCapture(dev.mcprefresh.core.log.Log.Level.INFO)) {
            assertNull(c.freshHeader().get(5, TimeUnit.SECONDS));
            Thread.sleep(1100); // past the first back-off
            assertNull(c.freshHeader().get(5, TimeUnit.SECONDS));
            assertEquals(2, as.hits("/token"), "retried with back-off: the configuration may be fixed meanwhile");
            assertEquals(1, log.lines("ERROR").size(), log.text());
            assertTrue(log.lines("ERROR").get(0).contains(error), log.text());
        }
        assertFalse(store.read().soleEntry(URL).needsLogin(), "not a dead grant: no new login is asked for");
    }

    @Test
    void aProxys401WithoutAnOAuthErrorIsTransient() throws Exception {
        as.route("/token", r -> new Reply(401, "<html>proxy login</html>", java.util.Map.of("Content-Type", "text/html")));
        TokenStore store = store();
        Instant now = Instant.now();
        Credentials c = credentials(store, seed(store, "at-0", now.minusSeconds(1), now.minusSeconds(61)));
        assertNull(c.freshHeader().get(5, TimeUnit.SECONDS));
        assertFalse(store.read().soleEntry(URL).needsLogin());
        rotatingEndpoint(0);
        Thread.sleep(1100);
        assertEquals("Bearer at-1", c.freshHeader().get(5, TimeUnit.SECONDS), "recovers by itself");
    }

    @Test
    void earlyRefreshHappensInTheBackgroundWhileTheValidTokenIsUsed() throws Exception {
        rotatingEndpoint(300);
        TokenStore store = store();
        Instant now = Instant.now();
        // A 100 s token with 20 s left: the margin is min(60 s, 100 s / 4) = 25 s, so this is inside the window.
        Credentials c = credentials(store, seed(store, "at-0", now.plusSeconds(20), now.minusSeconds(80)));
        assertEquals("Bearer at-0", c.header(), "still valid: used while the refresh runs");
        long deadline = System.currentTimeMillis() + 5000;
        while (!"Bearer at-1".equals(c.header()) && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertEquals("Bearer at-1", c.header());
        assertEquals(1, as.hits("/token"));
    }

    @Test
    void skewNeverExceedsAQuarterOfTheLifetime() {
        Instant obtained = Instant.parse("2026-01-01T00:00:00Z");
        long refreshAt = TokenLifetime.refreshAtMillis(obtained, obtained.plusSeconds(2), Duration.ofSeconds(60));
        assertEquals(obtained.toEpochMilli() + 1500, refreshAt);
        long longLived = TokenLifetime.refreshAtMillis(obtained, obtained.plusSeconds(3600), Duration.ofSeconds(60));
        assertEquals(obtained.plusSeconds(3540).toEpochMilli(), longLived);
        assertEquals(TokenLifetime.UNKNOWN, TokenLifetime.refreshAtMillis(obtained, null, Duration.ofSeconds(60)));
    }

    /**
     * A keep-alive takes up another process's refresh even when its access token has expired (the refresh reset the
     * idle window, which is all a keep-alive needs). A request that waits for a token and joins that keep-alive must
     * not be handed the expired token: it asks again and gets a fresh one.
     */
    @Test
    void aRequestJoiningAKeepAliveThatTookUpAnExpiredTokenAsksAgain() throws Exception {
        rotatingEndpoint(0);
        TokenStore store = store();
        Instant now = Instant.now();
        TokenRecord mine = TokenRecord.builder(URL).tokenEndpoint(as.base() + "/token").clientId("c")
                .accessToken("at-0").expiresAt(now.minusSeconds(1)).updatedAt(now.minusSeconds(4)).refreshToken("rt-0")
                .refreshExpiresAt(now.plusSeconds(6)).build();
        store.update(c -> {
            c.put(mine);
            return null;
        });
        java.util.concurrent.BlockingQueue<Runnable> queued = new java.util.concurrent.LinkedBlockingQueue<>();
        Credentials c = new Credentials(mine, store, new TokenEndpointClient(new OAuthHttp(Duration.ofSeconds(2)),
                Clock.systemUTC()), Clock.systemUTC(), Duration.ofSeconds(60), queued::add);
        // Another process refreshed a second ago; its access token has expired already (a 1 s token).
        store.update(contents -> {
            contents.put(mine.toBuilder().issuedAccessToken("at-other").expiresAt(now.minusMillis(100))
                    .refreshToken("rt-other").refreshExpiresAt(now.plusSeconds(9)).updatedAt(now.minusSeconds(1))
                    .build());
            return null;
        });
        c.keepAliveRefresh(); // in flight: its task waits in the queue
        CompletableFuture<String> request = c.freshHeader(); // a request joins it
        queued.take().run(); // the keep-alive takes up the other process's (expired) token
        Runnable again = queued.poll(5, TimeUnit.SECONDS);
        assertTrue(again != null, "the request asked for a token again");
        again.run();
        assertEquals("Bearer at-1", request.get(5, TimeUnit.SECONDS));
        assertEquals(1, as.hits("/token"), "one token request, for the request; none for the keep-alive");
        assertTrue(as.requests.get(0).body().contains("refresh_token=rt-other"),
                "it presented the refresh token the other process stored: " + as.requests.get(0).body());
    }
}
