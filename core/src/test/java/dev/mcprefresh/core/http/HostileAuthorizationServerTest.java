package dev.mcprefresh.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcprefresh.core.LogCapture;
import dev.mcprefresh.core.LoopbackServer;
import dev.mcprefresh.core.LoopbackServer.Reply;
import dev.mcprefresh.core.log.Log;
import dev.mcprefresh.core.store.TokenRecord;
import dev.mcprefresh.core.store.FileTokenStore;
import dev.mcprefresh.core.store.TokenStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A token endpoint that answers 200 with something unusable. Each case: one clear log line, no token material in
 * it, and the app gets exactly the 401 it would get without the agent.
 */
class HostileAuthorizationServerTest {
    private static final String STORED_REFRESH = "rt-SECRET-stored";
    private static final String CLIENT_SECRET = "cs-SECRET-client";
    private static final List<String> SECRETS = List.of("SECRET", STORED_REFRESH, CLIENT_SECRET);
    private static final String APP_401 = "{\"error\":\"invalid_token\",\"from\":\"mcp\"}";

    @TempDir
    Path dir;
    private LoopbackServer mcp;
    private LoopbackServer as;
    private final Set<String> valid = ConcurrentHashMap.newKeySet();
    private TokenStore store;

    @BeforeEach
    void start() throws Exception {
        mcp = new LoopbackServer();
        as = new LoopbackServer();
        mcp.route("/mcp", r -> {
            List<String> auth = r.header("Authorization");
            return auth.size() == 1 && valid.contains(auth.get(0).substring(7))
                    ? Reply.json(200, "{\"ok\":true}") : Reply.json(401, APP_401);
        });
    }

    @AfterEach
    void stop() {
        mcp.close();
        as.close();
    }

    private HttpClient decorated() {
        store = new FileTokenStore(dir.resolve("tokens.json"), Duration.ofSeconds(5));
        TokenRecord record = TokenRecord.builder(mcp.base() + "/mcp").tokenEndpoint(as.base() + "/token")
                .clientId("c").clientSecret(CLIENT_SECRET).authMethod(TokenRecord.AUTH_POST)
                .accessToken("at-SECRET-stored-but-revoked").expiresAt(Instant.now().plusSeconds(3600))
                .updatedAt(Instant.now()).refreshToken(STORED_REFRESH).build();
        return DecoratedClients.of(store, record);
    }

    private HttpResponse<String> call(HttpClient client) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(mcp.base() + "/mcp"))
                .header("Authorization", "Bearer app-static").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static Stream<Arguments> unusableAnswers() {
        String html = "<!DOCTYPE html><html><body><h1>Sign in</h1><form>access_token=at-SECRET-html</form></body></html>";
        return Stream.of(
                Arguments.of("truncated JSON", Reply.json(200, "{\"access_token\":\"at-SECRET-cut\",\"refresh_to")),
                Arguments.of("a body over the 1 MiB cap", Reply.json(200, "{\"access_token\":\"at-SECRET-huge\",\"pad\":\""
                        + "x".repeat(3 << 20) + "\"}")),
                Arguments.of("an HTML page with status 200", new Reply(200, html, Map.of("Content-Type", "text/html"))),
                Arguments.of("an HTML page with status 502", new Reply(502, html, Map.of("Content-Type", "text/html"))),
                Arguments.of("no access_token", Reply.json(200, "{\"token_type\":\"Bearer\",\"expires_in\":60}")),
                Arguments.of("an access_token that is not a string", Reply.json(200, "{\"access_token\":{\"v\":1}}")),
                Arguments.of("token_type DPoP", Reply.json(200,
                        "{\"access_token\":\"at-SECRET-dpop\",\"token_type\":\"DPoP\",\"expires_in\":60}")),
                Arguments.of("token_type forging a log line", Reply.json(200, "{\"access_token\":\"at-SECRET-mac\","
                        + "\"token_type\":\"mac\\n[mcp-refresh] ERROR forged\\u001b[31m\",\"expires_in\":60}")),
                Arguments.of("an access_token that would inject a header", Reply.json(200,
                        "{\"access_token\":\"at-SECRET\\r\\nX-Injected: 1\",\"token_type\":\"Bearer\"}")),
                Arguments.of("a JSON array", Reply.json(200, "[\"at-SECRET-array\"]")),
                Arguments.of("an empty body", Reply.json(200, "")),
                Arguments.of("a redirect elsewhere", new Reply(302, "", Map.of("Location", "http://127.0.0.1:1/x"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unusableAnswers")
    void anUnusableTokenResponseGivesOneClearLineNoSecretAndTheAppsOwn401(String name, Reply reply) throws Exception {
        as.route("/token", r -> reply);
        try (LogCapture log = new LogCapture(Log.Level.INFO)) {
            HttpResponse<String> r = call(decorated());
            assertEquals(401, r.statusCode(), name);
            assertEquals(APP_401, r.body(), "the app sees the server's own 401: " + name);
            assertEquals(1, as.hits("/token"), "one token request, no loop: " + name);
            List<String> lines = log.lines();
            assertEquals(1, lines.size(), name + ": " + lines);
            assertTrue(lines.get(0).startsWith("[mcp-refresh] WARN could not refresh the token for "), lines.get(0));
            for (String secret : SECRETS) {
                assertFalse(log.text().contains(secret), name + " leaked " + secret + ": " + log.text());
            }
            assertFalse(log.text().contains("\u001b"), "no terminal escapes from server text: " + log.text());
        }
        assertEquals(STORED_REFRESH, store.read().soleEntry(mcp.base() + "/mcp").refreshToken(), "nothing was lost");
    }

    @Test
    void aRotatedRefreshTokenInAnOtherwiseUnusableAnswerIsKept() throws Exception {
        as.route("/token", r -> Reply.json(200, "{\"token_type\":\"Bearer\",\"refresh_token\":\"rt-SECRET-rotated\"}"));
        try (LogCapture log = new LogCapture(Log.Level.DEBUG)) {
            HttpResponse<String> r = call(decorated());
            assertEquals(401, r.statusCode());
            assertFalse(log.text().contains("SECRET"), log.text());
        }
        assertEquals("rt-SECRET-rotated", store.read().soleEntry(mcp.base() + "/mcp").refreshToken(),
                "the server may have retired the old refresh token: the new one is stored");
    }

    static Stream<Arguments> usableAnswersWithBrokenExtras() {
        return Stream.of(
                Arguments.of("negative expires_in", "\"expires_in\":-30"),
                Arguments.of("absurd expires_in", "\"expires_in\":1e300"),
                Arguments.of("expires_in as words", "\"expires_in\":\"soon\""),
                Arguments.of("absurd refresh_expires_in", "\"expires_in\":60,\"refresh_expires_in\":9223372036854775807"),
                Arguments.of("scope as a number", "\"expires_in\":60,\"scope\":42"),
                Arguments.of("refresh_token as a number", "\"expires_in\":60,\"refresh_token\":7"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("usableAnswersWithBrokenExtras")
    void aUsableTokenWithBrokenOptionalMembersIsUsedAndTheRestNamedOnce(String name, String extras) throws Exception {
        valid.add("at-SECRET-good");
        as.route("/token", r -> Reply.json(200, "{\"access_token\":\"at-SECRET-good\",\"token_type\":\"bearer\","
                + extras + "}"));
        try (LogCapture log = new LogCapture(Log.Level.INFO)) {
            HttpResponse<String> r = call(decorated());
            assertEquals(200, r.statusCode(), name + ": the new token works, so the app's call does");
            List<String> warnings = log.lines("WARN");
            assertEquals(1, warnings.size(), name + ": " + log.lines());
            assertTrue(warnings.get(0).contains("partly unusable"), warnings.get(0));
            assertFalse(log.text().contains("SECRET"), log.text());
        }
        TokenRecord stored = store.read().soleEntry(mcp.base() + "/mcp");
        assertEquals("at-SECRET-good", stored.accessToken());
        assertEquals(STORED_REFRESH, stored.refreshToken(), name + ": the old refresh token is kept");
    }

    @Test
    void aSensibleAnswerLogsNothing() throws Exception {
        valid.add("at-SECRET-good");
        as.route("/token", r -> Reply.json(200, "{\"access_token\":\"at-SECRET-good\",\"token_type\":\"Bearer\","
                + "\"expires_in\":60,\"refresh_expires_in\":0}"));
        try (LogCapture log = new LogCapture(Log.Level.INFO)) {
            assertEquals(200, call(decorated()).statusCode());
            assertEquals(List.of(), log.lines());
        }
        assertNull(store.read().soleEntry(mcp.base() + "/mcp").refreshExpiresAt(), "0 means no stated end");
    }
}
