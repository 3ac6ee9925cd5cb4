package dev.mcprefresh.core.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTokenStoreTest {
    @TempDir
    Path dir;

    private FileTokenStore store() {
        return new FileTokenStore(dir.resolve("sub/tokens.json"), Duration.ofSeconds(5));
    }

    private static TokenRecord record(String url, String access) {
        return TokenRecord.builder(url).tokenEndpoint("https://as.example/token").clientId("c").accessToken(access)
                .expiresAt(Instant.parse("2030-01-01T00:00:00Z")).refreshToken("rt-" + access)
                .updatedAt(Instant.parse("2029-12-31T23:00:00Z")).build();
    }

    @Test
    void missingFileIsAnEmptyStore() {
        assertTrue(store().read().records().isEmpty());
    }

    @Test
    void writesRoundTripWithPrivateModes() throws Exception {
        FileTokenStore s = store();
        s.update(c -> {
            c.put(record("https://mcp.example/mcp", "at1"));
            return null;
        });
        TokenRecord back = s.read().soleEntry("https://mcp.example/mcp");
        assertEquals("at1", back.accessToken());
        assertEquals("rt-at1", back.refreshToken());
        assertEquals(Instant.parse("2030-01-01T00:00:00Z"), back.expiresAt());
        assertEquals(TokenRecord.AUTH_NONE, back.authMethod());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(s.path())));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(s.path().getParent())));
        try (Stream<Path> files = Files.list(s.path().getParent())) {
            assertTrue(files.noneMatch(p -> p.toString().endsWith(".tmp")), "no temp file is left behind");
        }
    }

    @Test
    void unknownFieldsSurviveARewrite() throws Exception {
        FileTokenStore s = store();
        Files.createDirectories(s.path().getParent());
        Files.writeString(s.path(), "{\"format\":1,\"note\":\"mine\",\"servers\":{\"https://a/mcp\":{"
                + "\"client_id\":\"c\",\"refresh_token\":\"r\",\"x_vendor\":{\"k\":[1,2]}}}}");
        s.update(c -> {
            c.put(c.soleEntry("https://a/mcp").toBuilder().accessToken("new").build());
            return null;
        });
        String text = Files.readString(s.path());
        assertTrue(text.contains("\"note\" : \"mine\""), text);
        assertTrue(text.contains("\"x_vendor\""), text);
        assertEquals("new", s.read().soleEntry("https://a/mcp").accessToken());
    }

    @Test
    void corruptStoreIsReportedAndLeftUntouched() throws Exception {
        FileTokenStore s = store();
        Files.createDirectories(s.path().getParent());
        byte[] corrupt = "{\"servers\": {\"https://a/mcp\": {\"access_token\": \"secret-value".getBytes(StandardCharsets.UTF_8);
        Files.write(s.path(), corrupt);
        StoreException e = assertThrows(StoreException.class, s::read);
        assertFalse(e.getMessage().contains("secret-value"), e.getMessage());
        assertThrows(StoreException.class, () -> s.update(c -> {
            c.put(record("https://a/mcp", "x"));
            return null;
        }));
        assertArrayEquals(corrupt, Files.readAllBytes(s.path()), "a corrupt store is never overwritten");
    }

    @Test
    void aCorruptStoreIsSetAsideNotDeleted() throws Exception {
        FileTokenStore s = store();
        Files.createDirectories(s.path().getParent());
        Files.writeString(s.path(), "{oops");
        Path backup = java.nio.file.Paths.get(s.setAsideIfCorrupt());
        assertEquals("{oops", Files.readString(backup));
        assertFalse(Files.exists(s.path()));
        assertTrue(s.read().records().isEmpty());
        s.update(c -> {
            c.put(record("https://a/mcp", "x"));
            return null;
        });
        assertNull(s.setAsideIfCorrupt(), "a readable store stays where it is");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                s.path().resolveSibling("tokens.json.lock"))));
    }

    @Test
    void newerFormatIsRefused() throws Exception {
        FileTokenStore s = store();
        Files.createDirectories(s.path().getParent());
        Files.writeString(s.path(), "{\"format\":3,\"entries\":{}}");
        StoreException e = assertThrows(StoreException.class, s::read);
        assertTrue(e.getMessage().contains("newer"), e.getMessage());
    }

    @Test
    void wrongTypesAreReportedWithoutTheValue() throws Exception {
        FileTokenStore s = store();
        Files.createDirectories(s.path().getParent());
        Files.writeString(s.path(), "{\"servers\":{\"https://a/mcp\":{\"expires_at\":\"tomorrow-ish\"}}}");
        StoreException e = assertThrows(StoreException.class, s::read);
        assertTrue(e.getMessage().contains("expires_at"), e.getMessage());
    }

    @Test
    void refusesToWriteThroughASymlink() throws Exception {
        Path real = Files.createFile(dir.resolve("elsewhere.json"));
        Files.writeString(real, "{}");
        Path link = dir.resolve("tokens.json");
        Files.createSymbolicLink(link, real);
        FileTokenStore s = new FileTokenStore(link, Duration.ofSeconds(5));
        assertThrows(StoreException.class, () -> s.update(c -> {
            c.put(record("https://a/mcp", "x"));
            return null;
        }));
        assertEquals("{}", Files.readString(real));
    }

    @Test
    void concurrentUpdatesAreSerialisedAndNoneIsLost() throws Exception {
        FileTokenStore s = store();
        int writers = 16;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            String url = "https://mcp" + i + ".example/mcp";
            // Each writer uses its own FileTokenStore instance, as separate processes would.
            FileTokenStore own = new FileTokenStore(s.path(), Duration.ofSeconds(10));
            futures.add(pool.submit(() -> {
                start.await();
                return own.update(c -> {
                    c.put(record(url, "at"));
                    return null;
                });
            }));
        }
        start.countDown();
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        assertEquals(writers, s.read().records().size());
    }

    @Test
    void recordToStringHasNoSecrets() {
        TokenRecord r = record("https://a/mcp", "access-secret").toBuilder().clientSecret("client-secret").build();
        String text = r.toString();
        assertFalse(text.contains("access-secret") || text.contains("client-secret") || text.contains("rt-"), text);
        assertNull(TokenRecord.builder("https://b").build().accessToken());
    }

    @Test
    void aFormat1StoreIsReadWithIdentitiesFromJwtAccessTokensAndMigratedOnTheNextWrite() throws Exception {
        FileTokenStore s = store();
        Files.createDirectories(s.path().getParent());
        String jwt = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("{}".getBytes()) + "."
                + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                        "{\"iss\":\"https://as.example\",\"sub\":\"alice\"}".getBytes()) + ".sig";
        Files.writeString(s.path(), "{\"format\":1,\"servers\":{"
                + "\"https://a/mcp\":{\"client_id\":\"c\",\"access_token\":\"" + jwt + "\",\"refresh_token\":\"r1\"},"
                + "\"https://b/mcp\":{\"client_id\":\"c\",\"access_token\":\"opaque\",\"refresh_token\":\"r2\"}}}");
        StoreContents read = s.read();
        assertTrue(read.olderFormat());
        TokenRecord a = read.soleEntry("https://a/mcp");
        assertEquals("alice", a.subject());
        assertEquals("https://as.example", a.issuer());
        assertEquals(null, read.soleEntry("https://b/mcp").subject(), "an opaque token names nobody");
        assertEquals(a.id(), store().read().soleEntry("https://a/mcp").id(), "every process derives the same id");
        s.update(c -> {
            c.put(c.soleEntry("https://b/mcp").toBuilder().accessToken("new").build());
            return null;
        });
        String text = Files.readString(s.path());
        assertTrue(text.contains("\"format\" : 2") && text.contains("\"entries\"") && !text.contains("\"servers\""),
                text);
        StoreContents after = s.read();
        assertEquals(a.id(), after.soleEntry("https://a/mcp").id(), "ids survive the migration");
        assertEquals("alice", after.soleEntry("https://a/mcp").subject());
        assertEquals("new", after.soleEntry("https://b/mcp").accessToken());
    }

    @Test
    void severalIdentitiesOfOneServerAreSeparateEntries() {
        FileTokenStore s = store();
        s.update(c -> {
            c.put(TokenRecord.builder("https://a/mcp").subject("alice").accessToken("at-a").build());
            c.put(TokenRecord.builder("https://a/mcp").subject("bob").accessToken("at-b").build());
            return null;
        });
        StoreContents read = s.read();
        assertEquals(2, read.forServer("https://a/mcp").size());
        assertEquals(null, read.soleEntry("https://a/mcp"), "no sole entry among several");
        TokenRecord bob = read.find("https://a/mcp", new Identity(null, "bob", null));
        assertEquals("at-b", bob.accessToken());
        assertEquals("at-b", read.get(bob.id()).accessToken(), "found by its id");
    }

    @Test
    void aStoreOverTheSizeCapIsRefusedWithAClearErrorAndLeftAsItIs() throws Exception {
        FileTokenStore s = store();
        Files.createDirectories(s.path().getParent());
        // Valid JSON, so only its size can be the reason (before: read whole, whatever its size).
        StringBuilder doc = new StringBuilder("{\"format\":2,\"entries\":{},\"pad\":[0");
        while (doc.length() <= FileTokenStore.MAX_BYTES) {
            doc.append(",0");
        }
        byte[] big = doc.append("]}").toString().getBytes(StandardCharsets.US_ASCII);
        Files.write(s.path(), big);
        StoreException e = assertThrows(StoreException.class, s::read);
        assertTrue(e.getMessage().contains("MiB"), e.getMessage());
        assertEquals(big.length, Files.size(s.path()), "nothing was changed");
    }

    @Test
    void theRefreshIdleLifetimeAndTheSessionEndRoundTrip() throws Exception {
        FileTokenStore s = store();
        s.update(c -> {
            c.put(record("https://mcp.example/mcp", "at1").toBuilder().refreshIdleSeconds(1800L)
                    .sessionEndsAt(Instant.parse("2030-01-02T03:04:05Z")).build());
            c.put(record("https://other.example/mcp", "at2"));
            return null;
        });
        String text = Files.readString(s.path());
        assertTrue(text.contains("\"refresh_idle_seconds\" : 1800"), text);
        assertTrue(text.contains("\"session_ends_at\" : \"2030-01-02T03:04:05Z\""), text);
        TokenRecord back = s.read().soleEntry("https://mcp.example/mcp");
        assertEquals(1800L, back.refreshIdleSeconds());
        assertEquals(Instant.parse("2030-01-02T03:04:05Z"), back.sessionEndsAt());
        assertTrue(back.unknownFields().isEmpty(), "known fields, not carried as unknown: " + back.unknownFields());
        TokenRecord other = s.read().soleEntry("https://other.example/mcp");
        assertNull(other.refreshIdleSeconds());
        assertNull(other.sessionEndsAt());
        assertFalse(Files.readString(s.path()).replaceFirst("refresh_idle_seconds", "").contains("refresh_idle_seconds"),
                "unset fields are not written");
        // Survive a rewrite of another entry.
        s.update(c -> {
            c.put(c.soleEntry("https://other.example/mcp").toBuilder().accessToken("at3").build());
            return null;
        });
        assertEquals(1800L, s.read().soleEntry("https://mcp.example/mcp").refreshIdleSeconds());
        assertEquals(Instant.parse("2030-01-02T03:04:05Z"), s.read().soleEntry("https://mcp.example/mcp").sessionEndsAt());
    }

    @Test
    void aNonPositiveRefreshIdleLifetimeIsAClearError() throws Exception {
        FileTokenStore s = store();
        Files.createDirectories(s.path().getParent());
        for (String bad : new String[] {"0", "-60", "0.5", "9223372036854775807"}) {
            Files.writeString(s.path(), "{\"format\":2,\"entries\":{\"e1\":{\"server_url\":\"https://a/mcp\","
                    + "\"refresh_token\":\"r\",\"refresh_idle_seconds\":" + bad + "}}}");
            StoreException e = assertThrows(StoreException.class, s::read, bad);
            assertTrue(e.getMessage().contains("refresh_idle_seconds") && e.getMessage().contains("positive"),
                    e.getMessage());
        }
        Files.writeString(s.path(), "{\"format\":2,\"entries\":{\"e1\":{\"server_url\":\"https://a/mcp\","
                + "\"refresh_idle_seconds\":\"soon\"}}}");
        StoreException e = assertThrows(StoreException.class, s::read);
        assertTrue(e.getMessage().contains("refresh_idle_seconds"), e.getMessage());
        Files.writeString(s.path(), "{\"format\":2,\"entries\":{\"e1\":{\"server_url\":\"https://a/mcp\","
                + "\"session_ends_at\":\"next week\"}}}");
        e = assertThrows(StoreException.class, s::read);
        assertTrue(e.getMessage().contains("session_ends_at"), e.getMessage());
        // Past millisecond arithmetic: refused when read, so status, the plan and the MBean never overflow.
        Files.writeString(s.path(), "{\"format\":2,\"entries\":{\"e1\":{\"server_url\":\"https://a/mcp\","
                + "\"refresh_expires_at\":\"+1000000000-01-01T00:00:00Z\"}}}");
        e = assertThrows(StoreException.class, s::read);
        assertTrue(e.getMessage().contains("refresh_expires_at") && e.getMessage().contains("9999"), e.getMessage());
    }
}
