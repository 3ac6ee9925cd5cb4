package dev.mcprefresh.it;

import dev.mcprefresh.core.config.Settings;
import dev.mcprefresh.core.store.StoreLocation;
import dev.mcprefresh.core.store.TokenRecord;
import dev.mcprefresh.core.store.TokenStore;
import dev.mcprefresh.core.store.TokenStores;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the PostgreSQL store tests ({@link PostgresStoreTest}, {@link PgBouncerStoreTest}) set up alike. An instance
 * is one class's {@link PostgresServer} with the store's login role {@link #USER}, that role's password in an
 * owner-only file, a temp directory for it and the key files, and a fresh database per test. The static part opens
 * stores as the agent does and makes entries.
 */
final class StoreFixtures implements AutoCloseable {
    /** The store's login role: it owns every test database. */
    static final String USER = "mcp_app";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;
    private final String password = "pw-" + random();
    private final AtomicInteger databases = new AtomicInteger();
    private PostgresServer pg;
    private Path passwordFile;

    private StoreFixtures(Path dir) {
        this.dir = dir;
    }

    /** {@code prefix} names the temp directory. A failed start leaves nothing behind. */
    static StoreFixtures start(String prefix) throws IOException, InterruptedException {
        StoreFixtures f = new StoreFixtures(Files.createTempDirectory(prefix));
        try {
            f.pg = PostgresServer.start();
            f.pg.createUser(USER, f.password);
            f.passwordFile = f.privateFile("password", f.password + "\n");
            return f;
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            f.close();
            throw e;
        }
    }

    PostgresServer pg() {
        return pg;
    }

    String password() {
        return password;
    }

    Path passwordFile() {
        return passwordFile;
    }

    Path dir() {
        return dir;
    }

    /** A new database {@code prefix}N owned by {@link #USER}; returns its name. */
    String freshDatabase(String prefix) throws IOException, InterruptedException {
        String db = prefix + databases.incrementAndGet();
        pg.createDatabase(db, USER);
        return db;
    }

    /** A file only its owner can read, as a key or password file must be. */
    Path privateFile(String name, String content) throws IOException {
        Path f = dir.resolve(name);
        Files.deleteIfExists(f);
        Files.createFile(f, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(f, content);
        return f;
    }

    /** A key file of one new key. */
    Path keyFile() throws IOException {
        return privateFile("key-" + random(), newKey() + "\n");
    }

    /** Stops the cluster, then deletes the directory. */
    @Override
    public void close() {
        try {
            if (pg != null) {
                pg.close();
            }
        } finally {
            ChildProcesses.deleteTree(dir);
        }
    }

    /** 32 random bytes in base64: a store key as a key file holds it. */
    static String newKey() {
        byte[] k = new byte[32];
        RANDOM.nextBytes(k);
        return Base64.getEncoder().encodeToString(k);
    }

    static String random() {
        byte[] b = new byte[8];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** An entry with every secret set to a value found nowhere else. */
    static TokenRecord entry(String serverUrl, String subject) {
        String tag = random();
        return TokenRecord.builder(serverUrl).issuer("https://issuer.example.com").subject(subject)
                .displayName(subject + "@example.com").tokenEndpoint("https://issuer.example.com/token")
                .clientId("client-" + subject).clientSecret("cs-" + tag).scope("mcp offline_access")
                .issuedAccessToken("at-" + tag).refreshToken("rt-" + tag)
                .expiresAt(Instant.now().plusSeconds(3600).truncatedTo(ChronoUnit.SECONDS)).build();
    }

    /**
     * Settings as the agent resolves them from its arguments (the short keys), nothing from the environment.
     * {@code user} null: none (the URL names it); {@code keyFile} null: none; {@code more}: further key, value pairs.
     */
    static Settings settings(String user, Path passwordFile, Path keyFile, String... more) {
        Map<String, String> args = new LinkedHashMap<>();
        if (user != null) {
            args.put("store.user", user);
        }
        args.put("store.password.file", passwordFile.toString());
        if (keyFile != null) {
            args.put("store.key.file", keyFile.toString());
        }
        for (int i = 0; i < more.length; i += 2) {
            args.put(more[i], more[i + 1]);
        }
        return Settings.resolve(args, k -> null, Map.of());
    }

    static TokenStore openStore(String url, Settings settings, Duration lockTimeout) {
        return TokenStores.open(StoreLocation.parse(url), settings, lockTimeout);
    }

    /** Writes {@code records} in one update. */
    static void put(TokenStore store, TokenRecord... records) {
        store.update(c -> {
            for (TokenRecord r : records) {
                c.put(r);
            }
            return null;
        });
    }

    static void setAccessToken(TokenStore store, String id, String accessToken) {
        store.updateEntry(id, c -> {
            c.put(c.get(id).toBuilder().accessToken(accessToken).build());
            return null;
        });
    }
}
