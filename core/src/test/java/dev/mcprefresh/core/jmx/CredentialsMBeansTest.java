package dev.mcprefresh.core.jmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcprefresh.core.oauth.OAuthHttp;
import dev.mcprefresh.core.oauth.TokenEndpointClient;
import dev.mcprefresh.core.session.Credentials;
import dev.mcprefresh.core.session.CredentialsRegistry;
import dev.mcprefresh.core.store.TokenRecord;
import dev.mcprefresh.core.store.FileTokenStore;
import dev.mcprefresh.core.store.TokenStore;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialsMBeansTest {
    private static final String URL = "https://mcp.example/mcp";
    private static final String ACCESS = "at-secret-0123456789";
    private static final String REFRESH = "rt-secret-9876543210";
    private static final String CLIENT_SECRET = "cs-secret-5555555555";

    @TempDir
    Path dir;
    private dev.mcprefresh.core.session.TransportCredentials transport;

    /** A clock the test moves. */
    private static final class TestClock extends Clock {
        final AtomicLong millis = new AtomicLong(System.currentTimeMillis());

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }
    }

    private Credentials boundCredentials(CredentialsRegistry[] out) {
        TokenStore store = new FileTokenStore(dir.resolve("tokens.json"), Duration.ofSeconds(5));
        Instant now = Instant.now();
        store.update(c -> {
            c.put(TokenRecord.builder(URL).tokenEndpoint("http://127.0.0.1:9/token").clientId("c")
                    .clientSecret(CLIENT_SECRET).subject("u-1").displayName("jane").accessToken(ACCESS)
                    .expiresAt(now.plusSeconds(3600)).refreshToken(REFRESH).refreshExpiresAt(now.plusSeconds(7200))
                    .updatedAt(now).build());
            return null;
        });
        CredentialsRegistry registry = new CredentialsRegistry(store, new TokenEndpointClient(
                new OAuthHttp(Duration.ofSeconds(1)), Clock.systemUTC()), Duration.ofSeconds(60), Clock.systemUTC(),
                false, true);
        out[0] = registry;
        transport = registry.forTransport(URI.create(URL)); // held, as a live transport holds it
        return transport.forHeader(null); // the transport's first request binds it
    }

    @Test
    void everyAttributeIsReadableAndNoneHoldsASecret() throws Exception {
        CredentialsRegistry[] registry = new CredentialsRegistry[1];
        Credentials c = boundCredentials(registry);
        // A refresh that fails (nothing listens on the token endpoint's port) leaves a LastError to read.
        assertFalse(c.refreshNow().get(10, java.util.concurrent.TimeUnit.SECONDS));
        new CredentialsMBeans(registry[0], true, Clock.systemUTC(), () -> null).accept(c);
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = CredentialsMBeans.nameOf(c);
        try {
            assertTrue(server.isRegistered(name), name.toString());
            assertEquals("Credentials", name.getKeyProperty("type"));
            Map<String, Object> values = new HashMap<>();
            for (MBeanAttributeInfo a : server.getMBeanInfo(name).getAttributes()) {
                values.put(a.getName(), server.getAttribute(name, a.getName()));
            }
            assertEquals(URL, values.get("ServerUrl"));
            assertEquals("jane (u-1)", values.get("Identity"));
            assertEquals(Boolean.FALSE, values.get("NeedsLogin"));
            assertEquals(1, values.get("LiveTransports"));
            assertEquals(0L, values.get("RefreshCount"));
            assertFalse(((String) values.get("LastError")).isEmpty(), "the failed refresh is shown: " + values);
            assertEquals("the server's refresh_expires_in", values.get("RefreshTokenExpirySource"));
            long left = (Long) values.get("RefreshTokenSecondsLeft");
            assertTrue(left > 7000 && left <= 7200, String.valueOf(left));
            assertFalse(((String) values.get("NextKeepAlive")).isEmpty(), "a keep-alive is planned: " + values);
            assertEquals(13, values.size(), values.keySet().toString());
            for (Map.Entry<String, Object> v : values.entrySet()) {
                String text = String.valueOf(v.getValue());
                for (String secret : new String[] {ACCESS, REFRESH, CLIENT_SECRET}) {
                    assertFalse(text.contains(secret), v.getKey() + " shows a secret");
                }
            }
        } finally {
            server.unregisterMBean(name);
        }
    }

    @Test
    void autoRegistersOnlyOnceTheJvmRunsAnMBeanServerLookingAtMostOnceAMinute() throws Exception {
        CredentialsRegistry[] registry = new CredentialsRegistry[1];
        Credentials c = boundCredentials(registry);
        TestClock clock = new TestClock();
        AtomicReference<MBeanServer> running = new AtomicReference<>();
        AtomicLong looks = new AtomicLong();
        CredentialsMBeans beans = new CredentialsMBeans(registry[0], false, clock, () -> {
            looks.incrementAndGet();
            return running.get();
        });
        beans.accept(c);
        assertEquals(1, looks.get(), "looked once");
        MBeanServer server = MBeanServerFactory.newMBeanServer();
        running.set(server);
        clock.millis.addAndGet(30_000);
        beans.accept(c);
        assertEquals(1, looks.get(), "not again within a minute");
        assertFalse(server.isRegistered(CredentialsMBeans.nameOf(c)));
        clock.millis.addAndGet(31_000);
        beans.accept(c);
        assertTrue(server.isRegistered(CredentialsMBeans.nameOf(c)), "registered once the server runs");
        beans.accept(c);
        assertEquals(2, looks.get(), "a registered entry is not looked for again");
    }

    @Test
    void findingTheRunningPlatformServerNeverCreatesIt() {
        // Whether or not an earlier test made it, looking must find exactly what exists and make nothing.
        int before = MBeanServerFactory.findMBeanServer(null).size();
        CredentialsMBeans.platformServerIfRunning();
        assertEquals(before, MBeanServerFactory.findMBeanServer(null).size());
        MBeanServer platform = ManagementFactory.getPlatformMBeanServer();
        assertEquals(platform, CredentialsMBeans.platformServerIfRunning());
    }

    /** A JVM without java.management (a jlink image): publishing fails, the transport is bound and kept alive. */
    @Test
    void aPublisherThatCannotWorkLeavesTheTransportBound() throws Exception {
        CredentialsRegistry[] registry = new CredentialsRegistry[1];
        TokenStore store = new FileTokenStore(dir.resolve("tokens.json"), Duration.ofSeconds(5));
        boundCredentials(registry); // seeds the store
        CredentialsRegistry fresh = new CredentialsRegistry(store, new TokenEndpointClient(
                new OAuthHttp(Duration.ofSeconds(1)), Clock.systemUTC()), Duration.ofSeconds(60), Clock.systemUTC(),
                false, true);
        java.util.concurrent.CountDownLatch tried = new java.util.concurrent.CountDownLatch(1);
        fresh.publishWith(c -> {
            tried.countDown();
            throw new NoClassDefFoundError("javax/management/MBeanServer");
        });
        dev.mcprefresh.core.session.TransportCredentials t = fresh.forTransport(URI.create(URL));
        Credentials c = t.forHeader(null);
        assertTrue(c != null, "the request gets its credentials");
        assertTrue(tried.await(5, java.util.concurrent.TimeUnit.SECONDS), "publishing was tried");
        assertEquals(1, fresh.status(c).liveTransports(), "and the transport is kept alive");
        assertTrue(t.forHeader(null) == c);
    }
}
