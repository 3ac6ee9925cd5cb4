package dev.mcprefresh.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcprefresh.core.LogCapture;
import dev.mcprefresh.core.LoopbackServer;
import dev.mcprefresh.core.LoopbackServer.Reply;
import dev.mcprefresh.core.log.Log;
import dev.mcprefresh.core.oauth.OAuthHttp;
import dev.mcprefresh.core.oauth.TokenEndpointClient;
import dev.mcprefresh.core.store.ClientKey;
import dev.mcprefresh.core.store.FileTokenStore;
import dev.mcprefresh.core.store.TokenRecord;
import dev.mcprefresh.core.store.TokenStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A service account's entry (client_credentials) kept fresh by Credentials: minted again, never "refreshed". */
class ServiceAccountCredentialsTest {
    private static final String URL = "https://mcp.example/mcp";

    @TempDir
    Path dir;
    private final LoopbackServer as;
    private final AtomicInteger minted = new AtomicInteger();
    private final List<ExecutorService> pools = new ArrayList<>();

    ServiceAccountCredentialsTest() throws Exception {
        as = new LoopbackServer();
    }

    @AfterEach
    void stop() {
        as.close();
        pools.forEach(ExecutorService::shutdownNow);
    }

    /** Another FileTokenStore over the same file: what another process sharing the store sees. */
    private TokenStore store() {
        return new FileTokenStore(dir.resolve("tokens.json"), Duration.ofSeconds(10));
    }

    private TokenRecord.Builder serviceAccount() {
        return TokenRecord.builder(URL).subject("svc").tokenEndpoint(as.base() + "/token").clientId("svc")
                .clientSecret("cs-SECRET").grantType(TokenRecord.GRANT_CLIENT_CREDENTIALS).scope("mcp").resource(URL);
    }

    private TokenRecord seed(TokenStore store, TokenRecord r) {
        store.update(c -> {
            c.put(r);
            return null;
        });
        return r;
    }

    /** An entry whose token expired a second ago, after a 60 s life. */
    private TokenRecord expired(TokenStore store) {
        Instant now = Instant.now();
        return seed(store, serviceAccount().accessToken("at-0").expiresAt(now.minusSeconds(1))
                .updatedAt(now.minusSeconds(61)).build());
    }

    private Credentials credentials(TokenStore store, TokenRecord initial) {
        ExecutorService pool = Executors.newCachedThreadPool();
        pools.add(pool);
        return new Credentials(initial, store, new TokenEndpointClient(new OAuthHttp(Duration.ofSeconds(2)),
                Clock.systemUTC()), Clock.systemUTC(), Duration.ofSeconds(60), pool);
    }

    /** A client_credentials endpoint: a new access token each time, never a refresh token. */
    private void mintingEndpoint(long delayMillis) {
        as.route("/token", r -> {
            Thread.sleep(delayMillis);
            int n = minted.incrementAndGet();
            return Reply.json(200, "{\"access_token\":\"at-" + n + "\",\"expires_in\":60,\"token_type\":\"Bearer\"}");
        });
    }

    private void assertAllMints() {
        for (LoopbackServer.Request r : as.requests) {
            assertTrue(r.body().contains("grant_type=client_credentials"), r.body());
            assertTrue(r.body().contains("scope=mcp"), r.body());
            assertFalse(r.body().contains("refresh_token"), r.body());
        }
    }

    @Test
    void manyCallersOfAnExpiredServiceAccountCauseOneMint() throws Exception {
        mintingEndpoint(200);
        TokenStore store = store();
        Credentials c = credentials(store, expired(store));
        assertNull(c.header(), "an expired token is never handed out");
        int threads = 32;
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<String>> results = new ArrayList<>();
        ExecutorService callers = Executors.newFixedThreadPool(threads);
        pools.add(callers);
        try (LogCapture log = new LogCapture(Log.Level.INFO)) {
            for (int i = 0; i < threads; i++) {
                CompletableFuture<String> f = new CompletableFuture<>();
                results.add(f);
                callers.execute(() -> {
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
            assertEquals(List.of(), log.lines("WARN"), "a service account is not warned about a missing refresh token");
        }
        assertEquals(1, as.hits("/token"), "single-flight");
        assertAllMints();
        TokenRecord stored = store.read().get(c.entryId());
        assertEquals("at-1", stored.accessToken());
        assertNull(stored.refreshToken());
        assertTrue(stored.clientCredentials(), "still a service account");
        assertFalse(stored.needsLogin());
        assertEquals("mcp", stored.scope());
    }

    @Test
    void aRejectedTokenIsReplacedByOneNewMintAndAnEntryWithoutTokenGetsItsFirst() throws Exception {
        mintingEndpoint(0);
        TokenStore store = store();
        Instant now = Instant.now();
        TokenRecord valid = seed(store, serviceAccount().accessToken("at-0").expiresAt(now.plusSeconds(3600))
                .updatedAt(now).build());
        Credentials c = credentials(store, valid);
        assertEquals("Bearer at-0", c.header());
        try (LogCapture log = new LogCapture(Log.Level.INFO)) {
            assertEquals("Bearer at-1", c.onUnauthorized("Bearer at-0").get(5, TimeUnit.SECONDS));
            assertEquals("Bearer at-1", c.onUnauthorized("Bearer at-0").get(5, TimeUnit.SECONDS),
                    "a request that left with the old token replays with the new one");
            assertEquals(1, as.hits("/token"));
            assertEquals("Bearer at-2", c.onUnauthorized("Bearer at-1").get(5, TimeUnit.SECONDS));
            assertEquals(2, as.hits("/token"));
            assertEquals(List.of(), log.lines("WARN"), "mints without a refresh token are the rule, not warned about");
        }

        // Stored with --no-verify: no access token yet; the first request's wait mints one.
        TokenRecord bare = seed(store, serviceAccount().subject("svc-2").build());
        Credentials first = credentials(store, bare);
        assertNull(first.header());
        assertEquals("Bearer at-3", first.freshHeader().get(5, TimeUnit.SECONDS));
        assertAllMints();
    }

    @Test
    void anotherProcessAdoptsTheMintedTokenInsteadOfMintingAgain() throws Exception {
        mintingEndpoint(0);
        TokenStore mine = store();
        TokenRecord initial = expired(mine);
        Credentials here = credentials(mine, initial);
        Credentials there = credentials(store(), initial); // another JVM, started with the same (expired) entry
        assertEquals("Bearer at-1", here.freshHeader().get(5, TimeUnit.SECONDS));
        assertEquals("Bearer at-1", there.freshHeader().get(5, TimeUnit.SECONDS), "taken up from the store");
        assertEquals(1, as.hits("/token"));
        // And a rejection of the token the other process minted is answered with one new mint, visible to both.
        assertEquals("Bearer at-2", there.onUnauthorized("Bearer at-1").get(5, TimeUnit.SECONDS));
        assertEquals("Bearer at-2", here.onUnauthorized("Bearer at-1").get(5, TimeUnit.SECONDS));
        assertEquals(2, as.hits("/token"));
    }

    @Test
    void aRefusedClientIsNotMarkedForLoginAndIsRetriedWithBackOff() throws Exception {
        as.route("/token", r -> Reply.json(401, "{\"error\":\"invalid_client\"}"));
        TokenStore store = store();
        Credentials c = credentials(store, expired(store));
        try (LogCapture log = new LogCapture(Log.Level.INFO)) {
            for (int i = 0; i < 30; i++) {
                assertNull(c.freshHeader().get(5, TimeUnit.SECONDS));
                assertNull(c.onUnauthorized("Bearer at-0").get(5, TimeUnit.SECONDS));
            }
            assertEquals(1, as.hits("/token"), "calls during the back-off make no request");
            assertFalse(store.read().get(c.entryId()).needsLogin(), "a client problem is not a dead grant");
            assertFalse(c.record().needsLogin());
            assertEquals(1, log.lines("ERROR").size(), log.text());
            assertTrue(log.lines("ERROR").get(0).contains("invalid_client"), log.text());
            assertFalse(log.text().contains("SECRET"), "no secret in the log");
        }
        Thread.sleep(1100); // past the first back-off: the client may have been fixed meanwhile
        mintingEndpoint(0);
        assertEquals("Bearer at-1", c.freshHeader().get(5, TimeUnit.SECONDS), "recovers by itself");
        assertEquals(2, as.hits("/token"));
    }

    @Test
    void anUnusableKeyFileIsAConfigurationErrorThatSendsNothingAndMarksNothing() throws Exception {
        mintingEndpoint(0);
        TokenStore store = store();
        Instant now = Instant.now();
        TokenRecord keyed = seed(store, serviceAccount().clientSecret(null)
                .clientKey(new ClientKey(dir.resolve("absent.pem").toString(), null, null, null))
                .accessToken("at-0").expiresAt(now.minusSeconds(1)).updatedAt(now.minusSeconds(61)).build());
        Credentials c = credentials(store, keyed);
        try (LogCapture log = new LogCapture(Log.Level.INFO)) {
            for (int i = 0; i < 20; i++) {
                assertNull(c.freshHeader().get(5, TimeUnit.SECONDS));
            }
            assertEquals(0, as.hits("/token"), "no request without an assertion");
            assertFalse(store.read().get(c.entryId()).needsLogin());
            assertEquals(1, log.lines("ERROR").size(), log.text());
            assertTrue(log.lines("ERROR").get(0).contains("absent.pem"), log.text());
        }
    }
}
