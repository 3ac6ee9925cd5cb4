package dev.mcprefresh.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcprefresh.core.store.ClientKey;
import dev.mcprefresh.core.store.TokenRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --client-secret-file, --private-key-file and its options, and --auth-method, checked together. */
class ClientAuthArgsTest {
    @TempDir
    Path dir;
    private Path secretFile;
    private Path keyFile;
    private Path ecKeyFile;

    private Path pem(String name, String type, int size) throws Exception {
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance(type);
        g.initialize(size);
        Path file = Files.writeString(dir.resolve(name), "-----BEGIN PRIVATE KEY-----\n" + java.util.Base64
                .getMimeEncoder(64, new byte[] {'\n'}).encodeToString(g.generateKeyPair().getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    @BeforeEach
    void files() throws Exception {
        secretFile = Files.writeString(dir.resolve("secret.txt"), "cs-SECRET\n");
        // A real key: the command line loads it, so that a bad one is refused before anything is stored.
        keyFile = pem("key.pem", "RSA", 2048); // RS256 and PS256
        ecKeyFile = pem("ec.pem", "EC", 256); // ES256
    }

    private static ClientAuthArgs parse(String... options) {
        List<String> argv = new ArrayList<>(List.of("add", "https://mcp.example/mcp"));
        argv.addAll(Arrays.asList(options));
        return ClientAuthArgs.parse(Args.parse(argv.toArray(new String[0]), 1, ClientAuthArgs.OPTIONS, Set.of()),
                line -> { });
    }

    private static String refused(String... options) {
        return assertThrows(Args.UsageException.class, () -> parse(options)).getMessage();
    }

    @Test
    void aSecretAndAKeyExcludeEachOther() {
        assertEquals("--client-secret-file and --private-key-file exclude each other",
                refused("--client-secret-file", secretFile.toString(), "--private-key-file", keyFile.toString()));
    }

    @Test
    void theKeyOptionsNeedAKeyFile() {
        for (String[] option : new String[][] {{"--key-id", "k1"}, {"--signing-alg", "ES256"},
                {"--assertion-audience", "https://as.example"}}) {
            assertEquals(option[0] + " needs --private-key-file", refused(option), option[0]);
            assertEquals(option[0] + " needs --private-key-file",
                    refused(option[0], option[1], "--client-secret-file", secretFile.toString()), "not with a secret");
        }
    }

    @Test
    void privateKeyJwtNeedsAKeyAndAKeyAuthenticatesOnlyWithPrivateKeyJwt() {
        assertEquals("--auth-method private_key_jwt needs --private-key-file",
                refused("--auth-method", "private_key_jwt"));
        assertEquals("--auth-method private_key_jwt needs --private-key-file",
                refused("--auth-method", "private_key_jwt", "--client-secret-file", secretFile.toString()));
        for (String method : new String[] {"client_secret_post", "client_secret_basic", "none"}) {
            assertEquals("--private-key-file authenticates with private_key_jwt, not " + method,
                    refused("--auth-method", method, "--private-key-file", keyFile.toString()));
        }
        for (String method : new String[] {"client_secret_post", "client_secret_basic"}) {
            assertEquals("--auth-method " + method + " needs --client-secret-file", refused("--auth-method", method));
        }
        assertTrue(refused("--auth-method", "tls_client_auth").startsWith("--auth-method must be none,"));
    }

    @Test
    void onlyTheThreeSigningAlgorithmsAreTaken() {
        for (String alg : new String[] {"HS256", "none", "ES384", "rs256", ""}) {
            assertEquals("--signing-alg must be RS256, PS256 or ES256",
                    refused("--private-key-file", keyFile.toString(), "--signing-alg", alg), alg);
        }
        for (String alg : ClientKey.ALGORITHMS) {
            Path key = alg.equals("ES256") ? ecKeyFile : keyFile;
            assertEquals(alg, parse("--private-key-file", key.toString(), "--signing-alg", alg).key.algorithm());
        }
    }

    @Test
    void theAssertionAudienceMustBeAUrlAndTheKeyFileReadable() {
        assertEquals("--assertion-audience must be an absolute http(s) URL",
                refused("--private-key-file", keyFile.toString(), "--assertion-audience", "as.example"));
        String missing = refused("--private-key-file", dir.resolve("absent.pem").toString());
        assertTrue(missing.startsWith("cannot read the private key file "), missing);
        assertTrue(missing.contains(dir.resolve("absent.pem").toString()), missing);
    }

    @Test
    void theKeyIsStoredByItsAbsolutePathWithItsOptions() throws Exception {
        Path relative = Path.of("").toAbsolutePath().relativize(keyFile);
        assertFalse(relative.isAbsolute());
        ClientAuthArgs auth = parse("--private-key-file", relative.toString(), "--key-id", "kid-1",
                "--signing-alg", "PS256", "--assertion-audience", "https://as.example/realms/mcp");
        assertEquals(keyFile.toAbsolutePath().normalize().toString(), auth.key.file(),
                "the agent runs elsewhere: the path must not depend on the CLI's working directory");
        assertTrue(Path.of(auth.key.file()).isAbsolute());
        assertEquals("kid-1", auth.key.keyId());
        assertEquals("PS256", auth.key.algorithm());
        assertEquals("https://as.example/realms/mcp", auth.key.audience());
        assertEquals(TokenRecord.AUTH_PRIVATE_KEY_JWT, auth.method);
        assertNull(auth.secret);
        assertTrue(auth.confidential());

        ClientAuthArgs dotted = parse("--private-key-file", dir.resolve("sub/../key.pem").toString());
        assertEquals(keyFile.toAbsolutePath().normalize().toString(), dotted.key.file(), "normalized");
    }

    @Test
    void theMethodDefaultsByTheCredentialsGiven() {
        ClientAuthArgs key = parse("--private-key-file", keyFile.toString());
        assertEquals(TokenRecord.AUTH_PRIVATE_KEY_JWT, key.method, "a key means private_key_jwt");
        assertNull(key.key.keyId());
        assertNull(key.key.algorithm(), "by the key's type, when it is read");
        assertNull(key.key.audience(), "the token endpoint, when the assertion is made");
        TokenRecord keyed = key.applyTo(TokenRecord.builder("https://mcp.example/mcp")).build();
        assertEquals(TokenRecord.AUTH_PRIVATE_KEY_JWT, keyed.authMethod());
        assertEquals(key.key, keyed.clientKey());
        assertNull(keyed.clientSecret());

        ClientAuthArgs secret = parse("--client-secret-file", secretFile.toString());
        assertNull(secret.method, "left to the record: client_secret_basic with a secret");
        assertEquals("cs-SECRET", secret.secret);
        assertNull(secret.key);
        assertTrue(secret.confidential());
        TokenRecord withSecret = secret.applyTo(TokenRecord.builder("https://mcp.example/mcp")).build();
        assertEquals(TokenRecord.AUTH_BASIC, withSecret.authMethod());
        assertNull(withSecret.clientKey());

        ClientAuthArgs post = parse("--client-secret-file", secretFile.toString(), "--auth-method", "client_secret_post");
        assertEquals(TokenRecord.AUTH_POST, post.applyTo(TokenRecord.builder("https://mcp.example/mcp")).build()
                .authMethod());
        assertEquals(TokenRecord.AUTH_PRIVATE_KEY_JWT,
                parse("--private-key-file", keyFile.toString(), "--auth-method", "private_key_jwt").method);

        ClientAuthArgs none = parse();
        assertNull(none.method);
        assertNull(none.secret);
        assertNull(none.key);
        assertFalse(none.confidential(), "a public client cannot use client credentials");
        assertEquals(TokenRecord.AUTH_NONE, none.applyTo(TokenRecord.builder("https://mcp.example/mcp")).build()
                .authMethod());
    }

    @Test
    void aKeyThatCannotBeUsedIsRefusedOnTheCommandLine() throws Exception {
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a key\n");
        String message = refused("--private-key-file", garbage.toString());
        assertTrue(message.contains(garbage.toString()), message);
        String wrongAlg = refused("--private-key-file", ecKeyFile.toString(), "--signing-alg", "RS256");
        assertTrue(wrongAlg.contains("RS256"), wrongAlg);
    }
}
