package dev.mcprefresh.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcprefresh.core.LogCapture;
import dev.mcprefresh.core.LoopbackServer;
import dev.mcprefresh.core.LoopbackServer.Reply;
import dev.mcprefresh.core.log.Log;
import dev.mcprefresh.core.oauth.OAuthHttp;
import dev.mcprefresh.core.oauth.TokenEndpointClient;
import dev.mcprefresh.core.store.FileTokenStore;
import dev.mcprefresh.core.store.TokenRecord;
import dev.mcprefresh.core.store.TokenStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JVM ending (the agent's shutdown hook calls drainBeforeExit): a refresh under way stores the server's answer
 * before the exit goes on, since the server has already spent the stored refresh token; no refresh starts after.
 */
class RegistryExitTest {
    private static final String URL = "https://mcp.example/mcp";

    @TempDir
    Path dir;
    private final LoopbackServer as;

    RegistryExitTest() throws Exception {
        as = new LoopbackServer();
    }

    @AfterEach
    void stop() {
        as.close();
    }

    private void endpointAnsweringAfter(long millis) {
        as.route("/token", r -> {
            Thread.sleep(millis);
            return Reply.json(200, "{\"access_token\":\"at-1\",\"expires_in\":60,\"refresh_token\":\"rt-1\","
                    + "\"token_type\":\"Bearer\"}");
        });
    }

    private CredentialsRegistry registry(TokenStore store) {
        return new CredentialsRegistry(store, new TokenEndpointClient(new OAuthHttp(Duration.ofSeconds(10)),
                Clock.systemUTC()), Duration.ofSeconds(60), Clock.systemUTC(), false, false);
    }

    private TokenRecord expired(TokenStore store) {
        TokenRecord r = TokenRecord.builder(URL).tokenEndpoint(as.base() + "/token").clientId("c").accessToken("at-0")
                .expiresAt(Instant.now().minusSeconds(5)).updatedAt(Instant.now().minusSeconds(65))
                .refreshToken("rt-0").build();
        store.update(c -> {
            c.put(r);
            return null;
        });
        return r;
    }

    private void awaitTokenRequest() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (as.requests.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(1, as.requests.size(), "the refresh reached the token endpoint");
    }

    @Test
    void aRefreshUnderWayIsStoredBeforeTheExitGoesOn() throws Exception {
        endpointAnsweringAfter(500);
        TokenStore store = new FileTokenStore(dir.resolve("tokens.json"), Duration.ofSeconds(5));
        TokenRecord seeded = expired(store);
        CredentialsRegistry registry = registry(store);
        CompletableFuture<String> header = registry.credentials(seeded).freshHeader();
        awaitTokenRequest();
        registry.drainBeforeExit();
        assertEquals("rt-1", store.read().get(seeded.id()).refreshToken(), "the rotated refresh token is stored");
        assertEquals("Bearer at-1", header.get(2, TimeUnit.SECONDS), "the request waiting for it gets the new token");
    }

    @Test
    void noRefreshStartsOnceTheJvmIsEnding() throws Exception {
        endpointAnsweringAfter(0);
        TokenStore store = new FileTokenStore(dir.resolve("tokens.json"), Duration.ofSeconds(5));
        TokenRecord seeded = expired(store);
        CredentialsRegistry registry = registry(store);
        Credentials credentials = registry.credentials(seeded);
        registry.drainBeforeExit();
        assertNull(credentials.freshHeader().get(2, TimeUnit.SECONDS), "no token: the request goes out as it was");
        assertEquals(0, as.requests.size(), "no rotation begun that the exit could cut short");
        assertEquals("rt-0", store.read().get(seeded.id()).refreshToken());
    }

    @Test
    void aRefreshOutlastingTheWaitIsLeftWithOneWarning() throws Exception {
        endpointAnsweringAfter(3000);
        TokenStore store = new FileTokenStore(dir.resolve("tokens.json"), Duration.ofSeconds(5));
        TokenRecord seeded = expired(store);
        CredentialsRegistry registry = registry(store);
        registry.exitWait(Duration.ofMillis(300));
        registry.credentials(seeded).freshHeader();
        awaitTokenRequest();
        try (LogCapture log = new LogCapture(Log.Level.INFO)) {
            long started = System.nanoTime();
            registry.drainBeforeExit();
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertTrue(tookMillis < 2000, "the exit is held at most the wait: " + tookMillis + " ms");
            assertEquals(1, log.lines("WARN").size(), log.text());
            assertTrue(log.text().contains("still under way"), log.text());
        }
    }

    @Test
    void nothingUnderWayLetsTheExitGoAtOnce() {
        TokenStore store = new FileTokenStore(dir.resolve("tokens.json"), Duration.ofSeconds(5));
        CredentialsRegistry registry = registry(store);
        long started = System.nanoTime();
        registry.drainBeforeExit();
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) < 500);
    }

    @Test
    void appCodeRunningOnOurThreadIsNotWaitedFor() throws Exception {
        // An app callback on the completed future runs on the agent's thread; it may be what calls System.exit, and
        // then waits for the shutdown hooks: the drain must not wait for it in turn.
        endpointAnsweringAfter(300);
        TokenStore store = new FileTokenStore(dir.resolve("tokens.json"), Duration.ofSeconds(5));
        TokenRecord seeded = expired(store);
        CredentialsRegistry registry = registry(store);
        java.util.concurrent.CountDownLatch inCallback = new java.util.concurrent.CountDownLatch(1);
        registry.credentials(seeded).freshHeader().thenRun(() -> {
            inCallback.countDown();
            try {
                Thread.sleep(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(inCallback.await(5, TimeUnit.SECONDS), "the callback runs");
        long started = System.nanoTime();
        registry.drainBeforeExit();
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertTrue(tookMillis < 1000, "the exit did not wait for app code: " + tookMillis + " ms");
    }
}
