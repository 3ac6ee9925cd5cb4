package dev.mcprefresh.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcprefresh.core.LogCapture;
import dev.mcprefresh.core.log.Log;
import dev.mcprefresh.core.oauth.OAuthHttp;
import dev.mcprefresh.core.oauth.TokenEndpointClient;
import dev.mcprefresh.core.store.TokenRecord;
import dev.mcprefresh.core.store.FileTokenStore;
import dev.mcprefresh.core.store.TokenStore;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransportCredentialsTest {
    private static final String URL = "https://mcp.example/mcp";
    private static final String ISSUER = "https://as.example";

    @TempDir
    Path dir;
    private final AtomicLong now = new AtomicLong(Instant.parse("2026-11-30T00:00:00Z").toEpochMilli());
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(now.get());
        }
    };

    private TokenStore store() {
        return new FileTokenStore(dir.resolve("tokens.json"), Duration.ofSeconds(5));
    }

    private static void put(TokenStore store, String subject) {
        store.update(c -> {
            c.put(TokenRecord.builder(URL).issuer(ISSUER).subject(subject).tokenEndpoint("https://as.example/token")
                    .clientId("c").issuedAccessToken("at-" + subject).refreshToken("rt-" + subject)
                    .expiresAt(Instant.parse("2030-01-01T00:00:00Z")).build());
            return null;
        });
    }

    private CredentialsRegistry registry(TokenStore store) {
        return new CredentialsRegistry(store, new TokenEndpointClient(new OAuthHttp(Duration.ofSeconds(1)), clock),
                Duration.ofSeconds(60), clock);
    }

    @Test
    void eachAppHeaderGetsItsOwnIdentityAndTheDecisionIsMadeOncePerHeaderValue() {
        TokenStore store = store();
        put(store, "alice");
        put(store, "bob");
        CredentialsRegistry registry = registry(store);
        TransportCredentials a = registry.forTransport(URI.create(URL));
        TransportCredentials b = registry.forTransport(URI.create(URL));
        Credentials forAlice = a.forHeader("Bearer " + Jwts.of(ISSUER, "alice"));
        Credentials forBob = b.forHeader("Bearer " + Jwts.of(ISSUER, "bob"));
        assertEquals("Bearer at-alice", forAlice.header());
        assertEquals("Bearer at-bob", forBob.header());
        assertSame(forAlice, a.forHeader("Bearer " + Jwts.of(ISSUER, "alice")), "remembered, not decided again");
        assertSame(forAlice, registry.forTransport(URI.create(URL)).forHeader("Bearer " + Jwts.of(ISSUER, "alice")),
                "one Credentials per entry in the JVM: one refresh for all its transports");
    }

    @Test
    void aRunningTransportNeverChangesIdentity() {
        TokenStore store = store();
        put(store, "alice");
        put(store, "bob");
        TransportCredentials t = registry(store).forTransport(URI.create(URL));
        assertNotNull(t.forHeader("Bearer " + Jwts.of(ISSUER, "alice")));
        try (LogCapture log = new LogCapture(Log.Level.INFO)) {
            assertNull(t.forHeader("Bearer " + Jwts.of(ISSUER, "bob")), "bob's header on alice's transport is left alone");
            assertEquals(1, log.lines("WARN").size(), log.text());
            assertTrue(log.text().contains("never changes identity"), log.text());
        }
    }

    @Test
    void aRequestLeftAloneIsLookedAtAgainOnceTheStoreChanges() {
        TokenStore store = store();
        put(store, "alice");
        CredentialsRegistry registry = registry(store);
        TransportCredentials t = registry.forTransport(URI.create(URL));
        String bobsHeader = "Bearer " + Jwts.of(ISSUER, "bob");
        try (LogCapture log = new LogCapture(Log.Level.INFO)) {
            assertNull(t.forHeader(bobsHeader));
            assertNull(t.forHeader(bobsHeader));
            assertEquals(1, log.lines("WARN").size(), "said once: " + log.text());
            assertTrue(log.text().contains("subject bob"), log.text());
        }
        put(store, "bob"); // bob logs in while the app runs
        assertNull(t.forHeader(bobsHeader), "the store is looked at no more than once a second");
        now.addAndGet(CredentialsRegistry.STORE_CHECK_MILLIS);
        Credentials c = t.forHeader(bobsHeader);
        assertNotNull(c, "picked up after the store changed");
        assertEquals("Bearer at-bob", c.header());
    }

    @Test
    void aTransportOnAPathNoEntryCoversHasNoCredentials() {
        TokenStore store = store();
        put(store, "alice");
        assertNull(registry(store).forTransport(URI.create("https://mcp.example/other/mcp")));
        assertNull(registry(store).forTransport(URI.create("https://mcp.example:8443/mcp")));
    }

    @Test
    void aTransportBuiltWhileTheStoreCannotBeReadFindsItsServerOnceItCan() throws Exception {
        TokenStore store = store();
        java.nio.file.Files.writeString(dir.resolve("tokens.json"), "{not json");
        int[] reads = {0};
        TokenStore counting = new CountingStore(store, reads);
        CredentialsRegistry registry = registry(counting);
        TransportCredentials t;
        try (LogCapture log = new LogCapture(Log.Level.INFO)) {
            t = registry.forTransport(URI.create(URL));
            assertNotNull(t, "bound later, not left alone for the life of the transport");
            int before = reads[0];
            for (int i = 0; i < 50; i++) {
                assertNull(t.forHeader(null), "sent as the app built it meanwhile");
            }
            assertTrue(reads[0] - before <= 1, "an unreadable store is tried at most once a second: " + reads[0]);
            assertEquals(1, log.lines("ERROR").size(), "said once: " + log.text());
        }
        java.nio.file.Files.delete(dir.resolve("tokens.json"));
        put(store, "alice");
        now.addAndGet(CredentialsRegistry.STORE_CHECK_MILLIS);
        try (LogCapture log = new LogCapture(Log.Level.INFO)) {
            Credentials c = t.forHeader(null);
            assertNotNull(c);
            assertEquals("Bearer at-alice", c.header());
            assertEquals(URL, t.serverUrl());
            assertTrue(log.text().contains("can be read now"), log.text());
        }
    }

    @Test
    void aTransportBuiltWhileTheStoreCannotBeReadStaysAloneWhenNoEntryCoversIt() throws Exception {
        TokenStore store = store();
        java.nio.file.Files.writeString(dir.resolve("tokens.json"), "{not json");
        CredentialsRegistry registry = registry(store);
        TransportCredentials t;
        try (LogCapture ignored = new LogCapture(Log.Level.INFO)) {
            t = registry.forTransport(URI.create("https://mcp.example/other/mcp"));
        }
        java.nio.file.Files.delete(dir.resolve("tokens.json"));
        put(store, "alice");
        now.addAndGet(CredentialsRegistry.STORE_CHECK_MILLIS);
        assertNull(t.forHeader(null), "the stored server does not cover this transport's path");
        assertNull(t.serverUrl());
    }

    /** Counts reads of a real store. */
    private static final class CountingStore implements TokenStore {
        private final TokenStore delegate;
        private final int[] reads;

        CountingStore(TokenStore delegate, int[] reads) {
            this.delegate = delegate;
            this.reads = reads;
        }

        @Override
        public String location() {
            return delegate.location();
        }

        @Override
        public String kind() {
            return delegate.kind();
        }

        @Override
        public String protection() {
            return delegate.protection();
        }

        @Override
        public dev.mcprefresh.core.store.StoreContents read() {
            reads[0]++;
            return delegate.read();
        }

        @Override
        public Object version() {
            return delegate.version();
        }

        @Override
        public <T> T update(java.util.function.Function<dev.mcprefresh.core.store.StoreContents, T> action) {
            return delegate.update(action);
        }

        @Override
        public void warmUpWriter() {
            delegate.warmUpWriter();
        }
    }
}
