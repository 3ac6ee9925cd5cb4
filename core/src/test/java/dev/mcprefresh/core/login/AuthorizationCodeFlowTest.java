package dev.mcprefresh.core.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcprefresh.core.LoopbackServer;
import dev.mcprefresh.core.LoopbackServer.Reply;
import dev.mcprefresh.core.oauth.AuthorizationServerMetadata;
import dev.mcprefresh.core.oauth.MetadataFixtures;
import dev.mcprefresh.core.oauth.OAuthHttp;
import dev.mcprefresh.core.oauth.TokenEndpointClient;
import dev.mcprefresh.core.oauth.TokenResponse;
import dev.mcprefresh.core.store.TokenRecord;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The authorization code login end to end: a real loopback redirect, a browser stand-in and a loopback token endpoint. */
class AuthorizationCodeFlowTest {
    private static final String ISSUER = "https://as.example";
    private static final String RESOURCE = "https://mcp.example/mcp";

    private final LoopbackServer as;
    private final OAuthHttp http = new OAuthHttp(Duration.ofSeconds(5));
    private final TokenRecord client;
    private LoopbackRedirect redirect;

    AuthorizationCodeFlowTest() throws Exception {
        as = new LoopbackServer();
        as.route("/token", r -> Reply.json(200, "{\"access_token\":\"at\",\"refresh_token\":\"rt\",\"expires_in\":60,"
                + "\"token_type\":\"Bearer\"}"));
        client = TokenRecord.builder(RESOURCE).tokenEndpoint(as.base() + "/token").clientId("the-client")
                .resource(RESOURCE).build();
    }

    @AfterEach
    void stop() {
        if (redirect != null) {
            redirect.close();
        }
        as.close();
    }

    private Map<String, Object> metadataJson(boolean issAdvertised) {
        Map<String, Object> m = new HashMap<>();
        m.put("issuer", ISSUER);
        m.put("authorization_endpoint", ISSUER + "/authorize");
        m.put("token_endpoint", as.base() + "/token");
        m.put("code_challenge_methods_supported", List.of("S256"));
        m.put("authorization_response_iss_parameter_supported", issAdvertised);
        return m;
    }

    private AuthorizationCodeFlow flow(Map<String, Object> json, String scope) throws Exception {
        redirect = new LoopbackRedirect(0, Pkce.randomToken());
        return new AuthorizationCodeFlow(MetadataFixtures.of(json), client, scope, redirect);
    }

    private static Map<String, String> query(URI url) {
        return LoopbackRedirect.query(url.getRawQuery());
    }

    /** The browser coming back to the redirect URI with {@code params} and the login's state. */
    private void browserReturns(Map<String, String> params) throws Exception {
        StringBuilder q = new StringBuilder("state=" + enc(redirect.state()));
        params.forEach((k, v) -> q.append('&').append(enc(k)).append('=').append(enc(v)));
        HttpResponse<Void> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(redirect.redirectUri() + "?" + q)).GET().build(), HttpResponse.BodyHandlers.discarding());
        assertNotEquals(400, r.statusCode(), "the redirect took the answer as its own");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private TokenEndpointClient tokens() {
        return new TokenEndpointClient(http, Clock.systemUTC());
    }

    @Test
    void theAuthorizationUrlCarriesPkceStateAndResource() throws Exception {
        AuthorizationCodeFlow f = flow(metadataJson(true), "mcp:read offline_access");
        URI url = f.authorizationUrl();
        assertTrue(url.toString().startsWith(ISSUER + "/authorize?"), url.toString());
        Map<String, String> q = query(url);
        assertEquals("code", q.get("response_type"));
        assertEquals("the-client", q.get("client_id"));
        assertEquals(redirect.redirectUri(), q.get("redirect_uri"));
        assertTrue(q.get("redirect_uri").startsWith("http://127.0.0.1:"), q.get("redirect_uri"));
        assertEquals("mcp:read offline_access", q.get("scope"));
        assertEquals(redirect.state(), q.get("state"));
        assertEquals("S256", q.get("code_challenge_method"));
        assertEquals(43, q.get("code_challenge").length(), "a base64url SHA-256");
        assertEquals(RESOURCE, q.get("resource"), "RFC 8707");
        assertEquals("consent", q.get("prompt"), "offline_access asks for consent (OpenID Connect Core 11)");
    }

    @Test
    void promptConsentOnlyWithOfflineAccess() throws Exception {
        assertNull(query(flow(metadataJson(true), "mcp:read").authorizationUrl()).get("prompt"));
        redirect.close();
        Map<String, String> noScope = query(flow(metadataJson(true), null).authorizationUrl());
        assertNull(noScope.get("prompt"));
        assertFalse(noScope.containsKey("scope"), "no scope at all: the server's default");
        redirect.close();
        assertNull(query(flow(metadataJson(true), "offline_access_extra mcp").authorizationUrl()).get("prompt"),
                "a scope merely starting with offline_access is not it");
        redirect.close();
        assertEquals("consent", query(flow(metadataJson(true), "offline_access").authorizationUrl()).get("prompt"));
    }

    @Test
    void anAuthorizationEndpointWithAQueryKeepsIt() throws Exception {
        Map<String, Object> m = metadataJson(true);
        m.put("authorization_endpoint", ISSUER + "/authorize?tenant=t1");
        URI url = flow(m, "mcp").authorizationUrl();
        assertTrue(url.toString().startsWith(ISSUER + "/authorize?tenant=t1&"), url.toString());
        assertEquals("t1", query(url).get("tenant"));
        assertEquals("code", query(url).get("response_type"));
    }

    @Test
    void theRightIssuerGetsTheCodeRedeemedOnceWithTheVerifier() throws Exception {
        AuthorizationCodeFlow f = flow(metadataJson(true), "mcp");
        String challenge = query(f.authorizationUrl()).get("code_challenge");
        browserReturns(Map.of("code", "c+1", "iss", ISSUER));
        TokenResponse t = f.awaitTokens(tokens(), Duration.ofSeconds(5));
        assertEquals("rt", t.refreshToken());
        assertEquals(1, as.hits("/token"));
        Map<String, String> form = LoopbackRedirect.query(as.requests.get(0).body());
        assertEquals("authorization_code", form.get("grant_type"));
        assertEquals("c+1", form.get("code"));
        assertEquals(redirect.redirectUri(), form.get("redirect_uri"));
        assertEquals(RESOURCE, form.get("resource"));
        assertEquals("the-client", form.get("client_id"));
        String verifier = form.get("code_verifier");
        assertEquals(43, verifier.length());
        assertEquals(challenge, Pkce.s256(verifier), "the verifier whose S256 the authorization request carried");
    }

    @Test
    void withoutAdvertisedIssAnAnswerWithoutIssIsRedeemed() throws Exception {
        AuthorizationCodeFlow f = flow(metadataJson(false), "mcp");
        f.authorizationUrl();
        browserReturns(Map.of("code", "c2"));
        assertEquals("rt", f.awaitTokens(tokens(), Duration.ofSeconds(5)).refreshToken());
        assertEquals(1, as.hits("/token"));
    }

    @Test
    void aCodeFromAnotherIssuerNeverReachesTheTokenEndpoint() throws Exception {
        AuthorizationCodeFlow f = flow(metadataJson(false), "mcp");
        f.authorizationUrl();
        browserReturns(Map.of("code", "stolen", "iss", "https://evil.example"));
        LoginException e = assertThrows(LoginException.class, () -> f.awaitTokens(tokens(), Duration.ofSeconds(5)));
        assertTrue(e.getMessage().contains("RFC 9207") && e.getMessage().contains("not redeemed"), e.getMessage());
        assertEquals(0, as.requests.size(), "no request of any kind reached the authorization server");
    }

    @Test
    void anAnswerWithoutIssIsRefusedWhenTheServerAdvertisesIt() throws Exception {
        AuthorizationCodeFlow f = flow(metadataJson(true), "mcp");
        f.authorizationUrl();
        browserReturns(Map.of("code", "c3"));
        LoginException e = assertThrows(LoginException.class, () -> f.awaitTokens(tokens(), Duration.ofSeconds(5)));
        assertTrue(e.getMessage().contains("authorization_response_iss_parameter_supported"), e.getMessage());
        assertEquals(0, as.requests.size());
    }

    @Test
    void anErrorFromAnotherIssuerIsRefusedAsAMixUpNotBelieved() throws Exception {
        AuthorizationCodeFlow f = flow(metadataJson(true), "mcp");
        f.authorizationUrl();
        browserReturns(Map.of("error", "access_denied", "error_description", "go away", "iss", "https://evil.example"));
        LoginException e = assertThrows(LoginException.class, () -> f.awaitTokens(tokens(), Duration.ofSeconds(5)));
        assertTrue(e.getMessage().contains("RFC 9207"), e.getMessage());
        assertFalse(e.getMessage().contains("access_denied") || e.getMessage().contains("go away"),
                "the other server's error is not reported as this one's: " + e.getMessage());
        assertEquals(0, as.requests.size());
    }

    @Test
    void anErrorFromTheRightIssuerIsReported() throws Exception {
        AuthorizationCodeFlow f = flow(metadataJson(true), "mcp");
        f.authorizationUrl();
        browserReturns(Map.of("error", "access_denied", "iss", ISSUER));
        LoginException e = assertThrows(LoginException.class, () -> f.awaitTokens(tokens(), Duration.ofSeconds(5)));
        assertTrue(e.getMessage().contains("access_denied"), e.getMessage());
        assertEquals(0, as.requests.size());
    }

    @Test
    void aServerWithoutS256IsRefused() throws Exception {
        for (List<String> methods : List.of(List.of("plain"), List.<String>of())) {
            Map<String, Object> m = metadataJson(true);
            m.put("code_challenge_methods_supported", methods);
            AuthorizationServerMetadata meta = MetadataFixtures.of(m);
            LoginException e = assertThrows(LoginException.class, () -> AuthorizationCodeFlow.requireS256(meta));
            assertTrue(e.getMessage().contains("S256"), e.getMessage());
            try (LoopbackRedirect r = new LoopbackRedirect(0, "s")) {
                assertThrows(LoginException.class, () -> new AuthorizationCodeFlow(meta, client, "mcp", r));
            }
        }
        Map<String, Object> none = metadataJson(true);
        none.remove("code_challenge_methods_supported");
        assertThrows(LoginException.class, () -> AuthorizationCodeFlow.requireS256(MetadataFixtures.of(none)));
    }

    @Test
    void metadataWithoutAnAuthorizationEndpointIsRefused() throws Exception {
        Map<String, Object> m = metadataJson(true);
        m.remove("authorization_endpoint");
        try (LoopbackRedirect r = new LoopbackRedirect(0, "s")) {
            LoginException e = assertThrows(LoginException.class,
                    () -> new AuthorizationCodeFlow(MetadataFixtures.of(m), client, "mcp", r));
            assertTrue(e.getMessage().contains("authorization_endpoint"), e.getMessage());
        }
    }
}
