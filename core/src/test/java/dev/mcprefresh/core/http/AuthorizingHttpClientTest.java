package dev.mcprefresh.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcprefresh.core.LogCapture;
import dev.mcprefresh.core.LoopbackServer;
import dev.mcprefresh.core.LoopbackServer.Reply;
import dev.mcprefresh.core.log.Log;
import dev.mcprefresh.core.store.TokenRecord;
import dev.mcprefresh.core.store.FileTokenStore;
import dev.mcprefresh.core.store.TokenStore;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthorizingHttpClientTest {
    @TempDir
    Path dir;
    private LoopbackServer mcp;
    private LoopbackServer other;
    private LoopbackServer as;
    private final AtomicInteger issued = new AtomicInteger();
    /** Tokens the MCP server accepts; the test decides. */
    private final Set<String> valid = ConcurrentHashMap.newKeySet();
    private HttpClient client;

    @BeforeEach
    void start() throws Exception {
        mcp = new LoopbackServer();
        other = new LoopbackServer();
        as = new LoopbackServer();
        as.route("/token", r -> {
            String token = "at-" + issued.incrementAndGet();
            valid.add(token);
            return Reply.json(200, "{\"access_token\":\"" + token + "\",\"expires_in\":3600}");
        });
        mcp.route("/mcp", r -> {
            List<String> auth = r.header("Authorization");
            if (auth.size() == 1 && auth.get(0).startsWith("Bearer ") && valid.contains(auth.get(0).substring(7))) {
                return Reply.json(200, "{\"ok\":true,\"echo\":\"" + r.body() + "\"}");
            }
            return Reply.json(401, "{\"error\":\"invalid_token\"}");
        });
        other.route("/x", r -> Reply.json(200, "{}"));
    }

    @AfterEach
    void stop() {
        mcp.close();
        other.close();
        as.close();
    }

    private HttpClient decorated(String accessToken) {
        TokenStore store = new FileTokenStore(dir.resolve("tokens.json"), Duration.ofSeconds(5));
        TokenRecord record = TokenRecord.builder(mcp.base() + "/mcp").tokenEndpoint(as.base() + "/token").clientId("c")
                .accessToken(accessToken).expiresAt(Instant.now().plusSeconds(3600)).updatedAt(Instant.now())
                .refreshToken("rt").build();
        return DecoratedClients.of(store, record);
    }

    private HttpRequest post(String base, String path, String staticToken) {
        return HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + staticToken)
                .header("authorization", "Bearer second-static").POST(HttpRequest.BodyPublishers.ofString("hi")).build();
    }

    @Test
    void everyAuthorizationHeaderIsReplacedByExactlyTheStoredToken() throws Exception {
        valid.add("stored");
        HttpResponse<String> r = decorated("stored").send(post(mcp.base(), "/mcp", "static"),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(List.of("Bearer stored"), mcp.requests.get(0).header("Authorization"));
    }

    @Test
    void requestsToAnotherOriginKeepTheirHeadersAndNeverGetTheToken() throws Exception {
        valid.add("stored");
        decorated("stored").send(post(other.base(), "/x", "static"), HttpResponse.BodyHandlers.ofString());
        List<String> seen = other.requests.get(0).header("Authorization");
        assertEquals(2, seen.size());
        assertTrue(seen.stream().noneMatch(v -> v.contains("stored")), seen.toString());
    }

    @Test
    void a401IsAnsweredByOneRefreshAndOneReplayThatTheAppNeverSees() throws Exception {
        HttpClient c = decorated("revoked"); // the server does not accept it
        HttpResponse<String> r = c.sendAsync(post(mcp.base(), "/mcp", "static"), HttpResponse.BodyHandlers.ofString())
                .get();
        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("\"echo\":\"hi\""), "the body was sent again: " + r.body());
        assertEquals(2, mcp.hits("/mcp"));
        assertEquals(1, as.hits("/token"));
        assertEquals(List.of("Bearer at-1"), mcp.requests.get(1).header("Authorization"));
    }

    @Test
    void aServerThatRejectsFreshTokensToo401sTheAppAfterOneReplay() throws Exception {
        as.route("/token", r -> Reply.json(200, "{\"access_token\":\"never-accepted\",\"expires_in\":3600}"));
        HttpResponse<String> r = decorated("revoked").send(post(mcp.base(), "/mcp", "static"),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, r.statusCode());
        assertEquals("{\"error\":\"invalid_token\"}", r.body());
        assertEquals(2, mcp.hits("/mcp"), "one replay, no loop");
    }

    @Test
    void aServerThatAnswers401ForeverCostsOneRefreshAndSaysWhyOnce() throws Exception {
        mcp.route("/mcp", r -> Reply.json(401, "{\"error\":\"invalid_token\"}"));
        HttpClient c = decorated("revoked");
        try (LogCapture log = new LogCapture(Log.Level.INFO)) {
            for (int i = 0; i < 10; i++) {
                HttpResponse<String> r = c.send(post(mcp.base(), "/mcp", "static"), HttpResponse.BodyHandlers.ofString());
                assertEquals(401, r.statusCode());
                assertEquals("{\"error\":\"invalid_token\"}", r.body());
            }
            assertEquals(1, as.hits("/token"), "a server that refuses fresh tokens gets no refresh per request");
            assertEquals(11, mcp.hits("/mcp"), "one replay, for the first request only");
            List<String> warnings = log.lines("WARN");
            assertEquals(1, warnings.size(), log.text());
            assertTrue(warnings.get(0).contains("rejected a freshly refreshed token too")
                    && warnings.get(0).contains("audience or resource") && warnings.get(0).contains("clock skew"),
                    warnings.get(0));
        }
    }

    @Test
    void insufficientScopeIsNeverAnsweredWithARefreshAndTheScopeIsNamedOnce() throws Exception {
        valid.add("stored");
        mcp.route("/mcp", r -> new Reply(403, "{\"error\":\"insufficient_scope\"}", java.util.Map.of(
                "WWW-Authenticate", "Bearer realm=\"mcp\", error=\"insufficient_scope\", scope=\"files:write admin\", "
                        + "resource_metadata=\"https://x/.well-known/oauth-protected-resource\"")));
        mcp.route("/step-up-as-401", r -> new Reply(401, "{}", java.util.Map.of(
                "WWW-Authenticate", "Bearer error=\"insufficient_scope\", scope=\"files:write\"")));
        HttpClient c = decorated("stored");
        try (LogCapture log = new LogCapture(Log.Level.INFO)) {
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> r = c.send(post(mcp.base(), "/mcp", "static"), HttpResponse.BodyHandlers.ofString());
                assertEquals(403, r.statusCode());
                assertEquals("{\"error\":\"insufficient_scope\"}", r.body());
            }
            HttpResponse<String> r = c.send(post(mcp.base(), "/step-up-as-401", "static"),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, r.statusCode(), "a 401 asking for scope reaches the app as it is");
            assertEquals(0, as.hits("/token"), "a refresh cannot widen scope: none is made");
            assertEquals(1, mcp.hits("/step-up-as-401"), "and nothing is replayed");
            List<String> warnings = log.lines("WARN");
            assertEquals(1, warnings.size(), log.text());
            assertTrue(warnings.get(0).contains("asks for scope \"files:write admin\"")
                    && warnings.get(0).contains("login " + mcp.base() + "/mcp --scope \"files:write admin\""),
                    warnings.get(0));
        }
    }

    @Test
    void whenNoTokenCanBeHadTheAppGetsTheOriginal401Body() throws Exception {
        as.route("/token", r -> Reply.json(400, "{\"error\":\"invalid_grant\"}"));
        HttpResponse<String> r = decorated("revoked").send(post(mcp.base(), "/mcp", "static"),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, r.statusCode());
        assertEquals("{\"error\":\"invalid_token\"}", r.body(), "the app's own handler decoded the kept 401");
        assertEquals(1, mcp.hits("/mcp"));
    }

    /** Before: the agent kept replacing the app's own new token with the one the server had rejected. */
    @Test
    void whenNoTokenCanBeHadTheAppsOwnNewTokenGoesOutUnchanged() throws Exception {
        as.route("/token", r -> Reply.json(400, "{\"error\":\"invalid_grant\"}"));
        HttpClient c = decorated("revoked");
        assertEquals(401, c.send(post(mcp.base(), "/mcp", "static"), HttpResponse.BodyHandlers.ofString()).statusCode());
        valid.add("app-own"); // the app signed the same user in itself
        HttpRequest own = HttpRequest.newBuilder(URI.create(mcp.base() + "/mcp")).header("Authorization", "Bearer app-own")
                .POST(HttpRequest.BodyPublishers.ofString("hi")).build();
        HttpResponse<String> r = c.send(own, HttpResponse.BodyHandlers.ofString());
        assertEquals(List.of("Bearer app-own"), mcp.requests.get(1).header("Authorization"));
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(1, as.hits("/token"));
    }

    @Test
    void aBodyThatCannotBeResentIsNeverReplayed() throws Exception {
        HttpRequest streamed = HttpRequest.newBuilder(URI.create(mcp.base() + "/mcp"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream("once".getBytes())))
                .build();
        HttpResponse<String> r = decorated("revoked").send(streamed, HttpResponse.BodyHandlers.ofString());
        assertEquals(401, r.statusCode());
        assertEquals(1, mcp.hits("/mcp"));
        assertEquals(0, as.hits("/token"));
    }

    @Test
    void aFailureInsideTheAgentLeavesTheRequestAsTheAppBuiltIt() throws Exception {
        valid.add("static");
        // Broken credentials (every call throws): the decorator must fail open, not fail the app's request.
        HttpClient broken = AuthorizingHttpClient.wrap(HttpClient.newHttpClient(), null);
        HttpRequest request = HttpRequest.newBuilder(URI.create(mcp.base() + "/mcp"))
                .header("Authorization", "Bearer static").POST(HttpRequest.BodyPublishers.ofString("hi")).build();
        HttpResponse<String> r = broken.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(List.of("Bearer static"), mcp.requests.get(0).header("Authorization"));
    }

    @Test
    void wrappingIsIdempotentAndGetsReplayWork() throws Exception {
        HttpClient c = decorated("revoked");
        assertSame(c, AuthorizingHttpClient.wrap(c, null));
        HttpResponse<String> r = c.send(HttpRequest.newBuilder(URI.create(mcp.base() + "/mcp")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
    }

    @Test
    void aRequestTheAppCancelsWhileItsTokenIsRefreshedNeverGoesOut() throws Exception {
        as.route("/token", r -> {
            Thread.sleep(500);
            valid.add("at-slow");
            return Reply.json(200, "{\"access_token\":\"at-slow\",\"expires_in\":3600}");
        });
        TokenStore store = new FileTokenStore(dir.resolve("tokens.json"), Duration.ofSeconds(5));
        HttpClient c = DecoratedClients.of(store, TokenRecord.builder(mcp.base() + "/mcp")
                .tokenEndpoint(as.base() + "/token").clientId("c").accessToken("expired")
                .expiresAt(Instant.now().minusSeconds(1)).updatedAt(Instant.now().minusSeconds(61)).refreshToken("rt")
                .build());
        java.util.concurrent.CompletableFuture<HttpResponse<String>> f = c.sendAsync(post(mcp.base(), "/mcp", "static"),
                HttpResponse.BodyHandlers.ofString());
        f.cancel(true);
        Thread.sleep(1000);
        assertEquals(1, as.hits("/token"));
        assertEquals(0, mcp.hits("/mcp"), "a cancelled tool call must not reach the server later");
    }

    @Test
    void aRedirectLoopEndsAsTheJdksClientEndsIt() throws Exception {
        mcp.route("/loop", r -> new Reply(307, "", java.util.Map.of("Location", "/loop")));
        TokenStore store = new FileTokenStore(dir.resolve("tokens.json"), Duration.ofSeconds(5));
        TokenRecord record = TokenRecord.builder(mcp.base() + "/").tokenEndpoint(as.base() + "/token").clientId("c")
                .accessToken("at-0").expiresAt(Instant.now().plusSeconds(3600)).updatedAt(Instant.now())
                .refreshToken("rt").build();
        store.update(c -> {
            c.put(record);
            return null;
        });
        HttpClient c = DecoratedClients.builder(store, mcp.base() + "/loop",
                HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)).build();
        java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> c.send(HttpRequest.newBuilder(URI.create(mcp.base() + "/loop")).GET().build(),
                        HttpResponse.BodyHandlers.ofString()));
        assertEquals("too many redirects", e.getMessage());
        assertEquals(6, mcp.hits("/loop"), "the first request and five redirects, the JDK's own limit");
        assertEquals(HttpClient.Redirect.NORMAL, c.followRedirects(), "the app still sees its own policy");
    }
}
