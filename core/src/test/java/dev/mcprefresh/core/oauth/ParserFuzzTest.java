package dev.mcprefresh.core.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.mcprefresh.core.json.Json;
import dev.mcprefresh.core.json.JsonException;
import dev.mcprefresh.core.store.StoreException;
import dev.mcprefresh.core.store.TokenRecord;
import dev.mcprefresh.core.store.FileTokenStore;
import dev.mcprefresh.core.store.TokenStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random and mutated inputs for every parser that reads what a server or a person wrote. Each may only fail with its
 * own declared error; anything else (a NullPointerException, an overflow, a hang) is a bug. A few thousand inputs per
 * parser, bounded in time; the seed is printed on failure so a case can be replayed.
 */
class ParserFuzzTest {
    private static final int INPUTS = 3000;
    private static final long BUDGET_NANOS = Duration.ofSeconds(6).toNanos();
    private static final long SEED = Long.getLong("fuzz.seed", System.nanoTime());
    private static final String[] FRAGMENTS = {"{", "}", "[", "]", ",", ":", "\"", "\\", "null", "true", "-1", "1e309",
        "9223372036854775808", "0.5", "\"\\u0000\"", "\"\\ud800\"", "{\"a\":", "[[[[[[[[", "\"exp\":", "\r\n", "\u00ff",
        "\"access_token\":", "\"expires_in\":", "\"servers\":", "\"format\":", "=", "Bearer ", "scope=\"", "\u001b"};
    /**
     * Multi-byte UTF-8 that Java's character methods treat as digits, letters or space where ASCII parsers must not:
     * Arabic-Indic, Devanagari and fullwidth digits, fullwidth hex letters, a BOM, a no-break space, surrogate pairs;
     * some behind a {@code \\u} escape.
     */
    private static final String[] NON_ASCII = {"\u0660", "\u0664\u0661", "\u0966", "\uff10", "\uff14\uff11", "\uff21",
        "\ufeff", "\u00a0", "\u2028", "\ud83d\ude00", "\ud800\udc00", "\udbff\udfff", "\\u\u0660\u0660\u0664\u0661",
        "\\u00\uff14\uff11", "\\u004\u0661", "\u00e9", "\u20ac"};

    @TempDir
    Path dir;

    @Test
    void tokenResponsesFailOnlyAsMalformedJson() {
        String jwt = "eyJhbGciOiJub25lIn0." + java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"exp\":4102444800}".getBytes(StandardCharsets.UTF_8)) + ".";
        fuzz(List.of("{\"access_token\":\"" + jwt + "\",\"token_type\":\"Bearer\",\"expires_in\":3600,"
                + "\"refresh_token\":\"rt\",\"scope\":\"a b\",\"refresh_expires_in\":86400}",
                "{\"access_token\":\"at\",\"expires_in\":\"60\"}"), bytes -> {
            try {
                TokenResponse r = TokenResponse.parse(bytes, Instant.now());
                assertTrue(TokenResponse.headerSafe(r.accessToken()), "only header-safe tokens are accepted");
                r.applyTo(TokenRecord.builder("https://mcp.example/mcp").build(), Instant.now());
            } catch (JsonException expected) {
                // declared
            }
        });
    }

    @Test
    void metadataDocumentsFailOnlyAsMalformedJson() {
        fuzz(List.of("{\"issuer\":\"https://as\",\"token_endpoint\":\"https://as/token\",\"scopes_supported\":[\"a\"],"
                + "\"grant_types_supported\":[\"refresh_token\"],\"code_challenge_methods_supported\":[\"S256\"],"
                + "\"registration_endpoint\":\"https://as/reg\",\"token_endpoint_auth_methods_supported\":[\"none\"]}",
                "{\"resource\":\"https://mcp/mcp\",\"authorization_servers\":[\"https://as\"],\"scopes_supported\":[]}"),
                bytes -> {
                    try {
                        java.util.Map<String, Object> json = Json.parseObject(bytes);
                        new AuthorizationServerMetadata(json, "https://as/.well-known/x",
                                new AuthorizationServerMetadata.ProtectedResource(json, "https://mcp/.well-known/y"))
                                .advertisesRefreshTokenGrant();
                    } catch (JsonException expected) {
                        // declared
                    }
                });
    }

    @Test
    void theTokenStoreFailsOnlyAsAnInvalidStore() throws Exception {
        Path file = dir.resolve("tokens.json");
        TokenStore store = new FileTokenStore(file, Duration.ofSeconds(5));
        store.update(c -> {
            c.put(TokenRecord.builder("https://mcp.example/mcp").tokenEndpoint("https://as/token").clientId("c")
                    .accessToken("at").refreshToken("rt").expiresAt(Instant.now()).updatedAt(Instant.now())
                    .scope("a").resource("https://mcp.example/mcp").build());
            return null;
        });
        String seed = Files.readString(file);
        fuzz(List.of(seed), bytes -> {
            try {
                Files.write(file, bytes);
                store.read().records().forEach(r -> r.toString());
            } catch (StoreException expected) {
                // declared
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    @Test
    void theTokenStoreReadsAFileAnEditorSavedWithAByteOrderMark() throws Exception {
        Path file = dir.resolve("tokens.json");
        TokenStore store = new FileTokenStore(file, Duration.ofSeconds(5));
        store.update(c -> {
            c.put(TokenRecord.builder("https://mcp.example/mcp").tokenEndpoint("https://as/token").clientId("c")
                    .refreshToken("rt").build());
            return null;
        });
        byte[] plain = Files.readAllBytes(file);
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] withBom = Arrays.copyOf(bom, bom.length + plain.length);
        System.arraycopy(plain, 0, withBom, bom.length, plain.length);
        Files.write(file, withBom);
        assertEquals("rt", store.read().records().iterator().next().refreshToken(), "not a corrupt store");
    }

    @Test
    void wwwAuthenticateHeadersNeverFail() {
        fuzz(List.of("Bearer realm=\"mcp\", error=\"insufficient_scope\", scope=\"a b\", resource_metadata=\"https://x\"",
                "Basic realm=x, Bearer error=invalid_token, Newauth abc=="), bytes -> {
                    List<WwwAuthenticate.Challenge> c = WwwAuthenticate.parse(List.of(new String(bytes,
                            StandardCharsets.ISO_8859_1)));
                    assertTrue(c.size() <= 16);
                });
    }

    /** Runs {@code parser} over the seeds, mutations of them and plain garbage; only AssertionErrors and undeclared
     * exceptions fail, with the seed to replay. */
    private static void fuzz(List<String> seeds, Consumer<byte[]> parser) {
        Random random = new Random(SEED);
        long deadline = System.nanoTime() + BUDGET_NANOS;
        int n = 0;
        List<byte[]> corpus = new ArrayList<>();
        seeds.forEach(s -> corpus.add(s.getBytes(StandardCharsets.UTF_8)));
        for (; n < INPUTS && System.nanoTime() < deadline; n++) {
            byte[] input = n < corpus.size() ? corpus.get(n) : next(random, corpus);
            try {
                parser.accept(input);
            } catch (AssertionError | RuntimeException e) {
                fail("input " + n + " (seed " + SEED + ", -Dfuzz.seed to replay) failed with "
                        + e.getClass().getName() + ": " + new String(input, StandardCharsets.UTF_8), e);
            } catch (StackOverflowError e) {
                fail("input " + n + " (seed " + SEED + ") overflowed the stack", e);
            }
        }
        assertTrue(n >= Math.min(INPUTS, 200), "too few inputs ran in the time budget: " + n);
    }

    private static byte[] next(Random random, List<byte[]> corpus) {
        if (random.nextInt(20) == 0) {
            byte[] garbage = new byte[random.nextInt(256)];
            random.nextBytes(garbage);
            return garbage;
        }
        byte[] b = corpus.get(random.nextInt(corpus.size())).clone();
        int edits = 1 + random.nextInt(4);
        for (int i = 0; i < edits && b.length > 0; i++) {
            int at = random.nextInt(b.length);
            switch (random.nextInt(7)) {
                case 0 -> b[at] = (byte) random.nextInt(256);
                case 1 -> b = Arrays.copyOf(b, at); // truncate
                case 2 -> b = splice(b, at, Math.min(b.length, at + random.nextInt(16)), new byte[0]); // delete
                case 3 -> b = splice(b, at, at, FRAGMENTS[random.nextInt(FRAGMENTS.length)]
                        .getBytes(StandardCharsets.UTF_8)); // insert a token
                case 4 -> b = splice(b, at, at, Arrays.copyOfRange(b, at, Math.min(b.length, at + 64))); // duplicate
                case 5 -> b = splice(b, at, at, NON_ASCII[random.nextInt(NON_ASCII.length)]
                        .getBytes(StandardCharsets.UTF_8)); // may also land inside a multi-byte sequence
                default -> b = splice(b, at, at, "[".repeat(random.nextInt(200)).getBytes(StandardCharsets.UTF_8));
            }
        }
        return b;
    }

    private static byte[] splice(byte[] b, int from, int to, byte[] insert) {
        byte[] out = new byte[from + insert.length + (b.length - to)];
        System.arraycopy(b, 0, out, 0, from);
        System.arraycopy(insert, 0, out, from, insert.length);
        System.arraycopy(b, to, out, from + insert.length, b.length - to);
        return out;
    }
}
