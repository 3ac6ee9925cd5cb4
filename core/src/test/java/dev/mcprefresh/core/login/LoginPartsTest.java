package dev.mcprefresh.core.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcprefresh.core.LoopbackServer;
import dev.mcprefresh.core.LoopbackServer.Reply;
import dev.mcprefresh.core.oauth.OAuthHttp;
import dev.mcprefresh.core.oauth.TokenEndpointClient;
import dev.mcprefresh.core.oauth.TokenResponse;
import dev.mcprefresh.core.store.TokenRecord;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The pieces of login, each against a loopback stand-in for the part of the server it talks to. */
class LoginPartsTest {
    private final LoopbackServer as;
    private final OAuthHttp http = new OAuthHttp(Duration.ofSeconds(5));

    LoginPartsTest() throws Exception {
        as = new LoopbackServer();
    }

    @AfterEach
    void stop() {
        as.close();
    }

    @Test
    void pkceChallengeIsTheS256OfTheVerifier() {
        // RFC 7636 appendix B.
        assertEquals("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
                Pkce.s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));
        Pkce p = Pkce.create();
        assertEquals(43, p.verifier.length(), "32 random bytes, base64url");
        assertEquals(Pkce.s256(p.verifier), p.challenge);
    }

    @Test
    void theRedirectListenerTakesOnlyTheAnswerWithItsState() throws Exception {
        try (LoopbackRedirect redirect = new LoopbackRedirect(0, "the-state")) {
            HttpClient browser = HttpClient.newHttpClient();
            HttpResponse<String> forged = browser.send(HttpRequest.newBuilder(URI.create(redirect.redirectUri()
                    + "?code=forged&state=other")).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(400, forged.statusCode());
            CompletableFuture<String> code = CompletableFuture.supplyAsync(() -> {
                try {
                    return redirect.awaitResponse(Duration.ofSeconds(5)).code();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            HttpResponse<String> real = browser.send(HttpRequest.newBuilder(URI.create(redirect.redirectUri()
                    + "?code=c%2B1&state=the-state")).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, real.statusCode());
            assertEquals("c+1", code.get());
        }
    }

    @Test
    void anErrorFromTheAuthorizationServerIsReportedWithoutItsRawText() throws Exception {
        try (LoopbackRedirect redirect = new LoopbackRedirect(0, "s")) {
            HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(redirect.redirectUri()
                    + "?error=access_denied&error_description=%1B%5B31mno&state=s")).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            LoginException e = assertThrows(LoginException.class, () -> redirect.awaitResponse(Duration.ofSeconds(5)).code());
            assertTrue(e.getMessage().contains("access_denied"), e.getMessage());
            assertTrue(!e.getMessage().contains("\u001b"), "no terminal escape from the server reaches the screen");
        }
    }

    @Test
    void dynamicRegistrationAsksForTheGrantsRefreshNeeds() throws Exception {
        as.route("/reg", r -> Reply.json(201, "{\"client_id\":\"dyn-1\",\"token_endpoint_auth_method\":\"none\","
                + "\"grant_types\":[\"authorization_code\",\"refresh_token\"]}"));
        ClientRegistration.Registered r = new ClientRegistration(http).register(URI.create(as.base() + "/reg"),
                "http://127.0.0.1:5555/callback", "mcp offline_access", false);
        assertEquals("dyn-1", r.clientId);
        assertNull(r.secret);
        assertEquals(TokenRecord.AUTH_NONE, r.authMethod);
        String sent = as.requests.get(0).body();
        assertTrue(sent.contains("\"authorization_code\"") && sent.contains("\"refresh_token\""), sent);
        assertTrue(sent.contains("\"native\"") && sent.contains("http://127.0.0.1:5555/callback"), sent);
    }

    @Test
    void aServerThatRefusesTheRefreshGrantStillRegistersTheClientWithoutIt() throws Exception {
        as.route("/reg", r -> r.body().contains("refresh_token")
                ? Reply.json(400, "{\"error\":\"invalid_client_metadata\",\"error_description\":\"no refresh\"}")
                : Reply.json(201, "{\"client_id\":\"dyn-2\",\"grant_types\":[\"authorization_code\"]}"));
        ClientRegistration.Registered r = new ClientRegistration(http).register(URI.create(as.base() + "/reg"),
                "http://127.0.0.1:5555/callback", "mcp", false);
        assertEquals("dyn-2", r.clientId);
        assertTrue(!r.grantTypes.contains("refresh_token"), "the caller warns: no refresh for this client");
        assertEquals(2, as.hits("/reg"));
    }

    @Test
    void aRefusedRegistrationSaysToRegisterByHand() {
        as.route("/reg", r -> Reply.json(403, "{\"error\":\"access_denied\"}"));
        LoginException e = assertThrows(LoginException.class, () -> new ClientRegistration(http)
                .register(URI.create(as.base() + "/reg"), "http://127.0.0.1:1/callback", null, false));
        assertTrue(e.getMessage().contains("403 access_denied") && e.getMessage().contains("--client-id"),
                e.getMessage());
    }

    @Test
    void deviceGrantPollsUntilApprovedAndSlowsDownWhenTold() throws Exception {
        as.route("/device", r -> Reply.json(200, "{\"device_code\":\"dc\",\"user_code\":\"ABCD-EFGH\","
                + "\"verification_uri\":\"" + as.base() + "/activate\",\"interval\":1,\"expires_in\":60}"));
        AtomicInteger polls = new AtomicInteger();
        as.route("/token", r -> {
            int n = polls.incrementAndGet();
            if (n == 1) {
                return Reply.json(400, "{\"error\":\"authorization_pending\"}");
            }
            if (n == 2) {
                return Reply.json(400, "{\"error\":\"slow_down\"}");
            }
            return Reply.json(200, "{\"access_token\":\"at\",\"refresh_token\":\"rt\",\"expires_in\":60,"
                    + "\"token_type\":\"Bearer\"}");
        });
        TokenRecord client = TokenRecord.builder("https://mcp.example/mcp").tokenEndpoint(as.base() + "/token")
                .clientId("c").build();
        List<DeviceAuthorization.Prompt> shown = new ArrayList<>();
        long started = System.nanoTime();
        TokenResponse r = new DeviceAuthorization(http, new TokenEndpointClient(http, Clock.systemUTC()))
                .run(URI.create(as.base() + "/device"), client, "mcp", shown::add, Duration.ofSeconds(30));
        assertEquals("rt", r.refreshToken());
        assertEquals("ABCD-EFGH", shown.get(0).userCode);
        assertEquals(3, polls.get());
        assertTrue(System.nanoTime() - started >= Duration.ofSeconds(1 + 1 + 6).toNanos(),
                "1 s interval, then 5 s more after slow_down (RFC 8628 3.5)");
        assertTrue(as.requests.stream().filter(q -> q.path().equals("/token"))
                .allMatch(q -> q.body().contains("device_code=dc")));
    }

    @Test
    void aDeniedDeviceLoginStopsPolling() {
        as.route("/device", r -> Reply.json(200, "{\"device_code\":\"dc\",\"user_code\":\"U\","
                + "\"verification_uri\":\"https://as.example/activate\",\"interval\":1}"));
        as.route("/token", r -> Reply.json(400, "{\"error\":\"access_denied\"}"));
        TokenRecord client = TokenRecord.builder("https://mcp.example/mcp").tokenEndpoint(as.base() + "/token")
                .clientId("c").build();
        LoginException e = assertThrows(LoginException.class, () -> new DeviceAuthorization(http,
                new TokenEndpointClient(http, Clock.systemUTC())).run(URI.create(as.base() + "/device"), client, null,
                        p -> { }, Duration.ofSeconds(30)));
        assertTrue(e.getMessage().contains("access_denied"), e.getMessage());
        assertEquals(1, as.hits("/token"));
    }
}
