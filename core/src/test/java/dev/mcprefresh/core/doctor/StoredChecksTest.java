package dev.mcprefresh.core.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mcprefresh.core.doctor.Finding.Level;
import dev.mcprefresh.core.store.ClientKey;
import dev.mcprefresh.core.store.TokenRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** doctor's reading of the stored entry, before any request. */
class StoredChecksTest {
    private static final String MCP = "https://mcp.example/mcp";
    private static final Instant NOW = Instant.parse("2026-08-01T12:00:00Z");
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    @TempDir
    Path dir;

    private static Finding only(List<Finding> f) {
        assertEquals(1, f.size(), f.toString());
        return f.get(0);
    }

    private static Finding find(List<Finding> findings, String check) {
        return findings.stream().filter(f -> f.check().equals(check)).findFirst()
                .orElseThrow(() -> new AssertionError("no finding '" + check + "' in " + findings));
    }

    private static KeyPair ecKey() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private Path pem(String name, String label, byte[] der, String mode) throws Exception {
        Path file = dir.resolve(name);
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        Files.writeString(file, "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n",
                StandardCharsets.US_ASCII);
        if (POSIX) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        }
        return file;
    }

    private static TokenRecord keyed(Path file, String alg) {
        return TokenRecord.builder(MCP).clientId("svc").grantType(TokenRecord.GRANT_CLIENT_CREDENTIALS)
                .clientKey(new ClientKey(file.toString(), "kid-1", alg, null)).build();
    }

    @Test
    void noEntryIsAWarning() {
        Finding f = only(StoredChecks.of(null, NOW));
        assertEquals(Level.WARN, f.level());
        assertTrue(f.fix().contains("login"), f.fix());
    }

    @Test
    void anEntryNeedingLoginFails() {
        TokenRecord r = TokenRecord.builder(MCP).clientId("c").refreshToken("rt")
                .needsLogin(true, "invalid_grant at refresh").build();
        Finding f = only(StoredChecks.of(r, NOW));
        assertEquals(Level.FAIL, f.level());
        assertTrue(f.detail().contains("invalid_grant at refresh"), f.detail());
        assertTrue(f.fix().contains("login " + MCP), f.fix());
    }

    @Test
    void aServiceAccountNeedsNoRefreshToken() {
        TokenRecord r = TokenRecord.builder(MCP).clientId("svc").clientSecret("s3cret-value")
                .grantType(TokenRecord.GRANT_CLIENT_CREDENTIALS).build();
        Finding f = only(StoredChecks.of(r, NOW));
        assertEquals(Level.OK, f.level(), f.toString());
        assertTrue(f.detail().contains("no refresh token needed") && f.detail().contains("client_secret_basic"),
                f.detail());
        assertFalse(f.detail().contains("s3cret-value"), "never the secret");
    }

    @Test
    void aRefreshEntryWithoutARefreshTokenFails() {
        Finding f = only(StoredChecks.of(TokenRecord.builder(MCP).clientId("c").accessToken("at").build(), NOW));
        assertEquals(Level.FAIL, f.level());
        assertTrue(f.detail().contains("no refresh token"), f.detail());
    }

    @Test
    void anExpiredRefreshTokenFails() {
        Instant end = NOW.minus(Duration.ofMinutes(1));
        TokenRecord expired = TokenRecord.builder(MCP).clientId("c").refreshToken("rt-secret").refreshExpiresAt(end)
                .build();
        Finding f = only(StoredChecks.of(expired, NOW));
        assertEquals(Level.FAIL, f.level());
        assertTrue(f.detail().contains(end.toString()), f.detail());

        Instant later = NOW.plus(Duration.ofDays(3));
        Finding ok = only(StoredChecks.of(expired.toBuilder().refreshExpiresAt(later).build(), NOW));
        assertEquals(Level.OK, ok.level());
        assertTrue(ok.detail().contains(later.toString()), ok.detail());
        assertFalse(ok.detail().contains("rt-secret"), "never the token");
        assertEquals(Level.OK, only(StoredChecks.of(expired.toBuilder().refreshExpiresAt(null).build(), NOW)).level());
    }

    @Test
    void aMissingKeyFileFails() {
        List<Finding> f = StoredChecks.of(keyed(dir.resolve("absent.pem"), null), NOW);
        assertEquals(Level.OK, find(f, "stored credential").level());
        Finding key = find(f, "private key");
        assertEquals(Level.FAIL, key.level());
        assertTrue(key.detail().contains("does not exist"), key.detail());
        assertTrue(key.fix().contains("--private-key-file"), key.fix());
    }

    @Test
    void anUnusableKeyFailsWithoutItsBytesInTheFinding() throws Exception {
        KeyPair ec = ecKey();
        byte[] der = ec.getPrivate().getEncoded();
        String b64 = Base64.getEncoder().encodeToString(der);
        Path[] unusable = {
            pem("ec-as-rsa.pem", "PRIVATE KEY", der, "rw-------"), // an EC key cannot sign RS256
            pem("sec1.pem", "EC PRIVATE KEY", der, "rw-------"),
            pem("encrypted.pem", "ENCRYPTED PRIVATE KEY", der, "rw-------"),
        };
        for (Path file : unusable) {
            List<Finding> f = StoredChecks.of(keyed(file, "RS256"), NOW);
            Finding key = find(f, "private key");
            assertEquals(Level.FAIL, key.level(), key.toString());
            for (Finding x : f) {
                String all = x.detail() + " " + x.fix();
                for (int i = 0; i + 16 <= b64.length(); i += 8) {
                    assertFalse(all.contains(b64.substring(i, i + 16)), "key material in " + x);
                }
            }
        }
    }

    @Test
    void aUsableKeyIsOkAndALooseOneWarnsWithChmod() throws Exception {
        KeyPair ec = ecKey();
        Path tight = pem("tight.pem", "PRIVATE KEY", ec.getPrivate().getEncoded(), "rw-------");
        List<Finding> f = StoredChecks.of(keyed(tight, null), NOW);
        assertEquals(2, f.size(), f.toString());
        Finding key = find(f, "private key");
        assertEquals(Level.OK, key.level(), key.toString());
        assertTrue(key.detail().contains("ES256") && key.detail().contains("kid-1"), key.detail());
        assertTrue(key.detail().contains("private_key_jwt") || find(f, "stored credential").detail()
                .contains("private_key_jwt"));

        assumeTrue(POSIX, "file modes");
        Path loose = pem("loose.pem", "PRIVATE KEY", ec.getPrivate().getEncoded(), "rw-r--r--");
        List<Finding> g = StoredChecks.of(keyed(loose, "ES256"), NOW);
        assertEquals(3, g.size(), g.toString());
        assertEquals(Level.OK, find(g, "private key").level(), "loose modes warn, they do not stop the agent");
        Finding perms = find(g, "private key file permissions");
        assertEquals(Level.WARN, perms.level());
        assertTrue(perms.fix().contains("chmod 600 " + loose), perms.fix());
    }
}
