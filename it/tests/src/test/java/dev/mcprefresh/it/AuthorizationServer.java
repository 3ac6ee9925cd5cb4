package dev.mcprefresh.it;

import dev.mcprefresh.core.json.Json;
import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The real authorization server, node {@code oidc-provider} (pinned in it/oauth-server/package.json), on loopback.
 * Clients: {@code app} (public, 3 s access tokens), {@code app-5s} (public, 5 s, for the demo), {@code app-long} (public, 300 s),
 * {@code app-short-refresh} (3 s access tokens, 30 s refresh tokens: a server setup doctor must flag), {@code app-jwt}
 * (public, 3 s; tokens asked for with a {@code resource} are RFC 9068 JWTs carrying {@code iss} and {@code sub}, which
 * the provider cannot introspect: the bearer gate verifies them with the provider's JWKS), {@code app-idle} to
 * {@code app-idle-4} (public, 3 s access tokens, 10 s refresh tokens whose life is an idle timeout: each refresh
 * issues a refresh token with the full 10 s again, and token responses carry Keycloak's {@code refresh_expires_in};
 * several clients so that concurrent idle keep-alive scenarios count their refreshes apart), {@code app-session-max}
 * (3 s access tokens, refresh tokens whose end never passes the grant's first 40 s: a session maximum, stated in
 * {@code refresh_expires_in}), {@code rs} (the resource
 * server's introspection credentials). Refresh tokens rotate, each rotated one with its client's full refresh token
 * lifetime (a sliding window); reuse of a rotated one revokes the grant. Users: any plain name, chosen by the login's
 * {@code login_hint} ("alice" by default).
 */
final class AuthorizationServer implements AutoCloseable {
    static final String REDIRECT = "http://127.0.0.1/callback";
    static final String RS_CLIENT = "rs";
    static final String RS_SECRET = "rs-secret-for-loopback-tests-only";
    /** The public client whose resource-bound access tokens are JWTs. */
    static final String JWT_CLIENT = "app-jwt";
    /** Public clients whose refresh tokens die after {@link #IDLE_REFRESH_TTL_SECONDS} without a refresh. */
    static final String IDLE_CLIENT = "app-idle";
    static final String IDLE_CLIENT_2 = "app-idle-2";
    static final String IDLE_CLIENT_3 = "app-idle-3";
    static final String IDLE_CLIENT_4 = "app-idle-4";
    /** A session maximum: refresh tokens slide for 3600 s but never outlive the grant's first 40 s. */
    static final String SESSION_MAX_CLIENT = "app-session-max";
    static final int SESSION_MAX_SECONDS = 40;
    static final int IDLE_REFRESH_TTL_SECONDS = 10;

    private final ForkedProcess process;
    final String issuer;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    private AuthorizationServer(ForkedProcess process, String issuer) {
        this.process = process;
        this.issuer = issuer;
    }

    static AuthorizationServer start(Path workDir) throws Exception {
        return start(workDir, null);
    }

    /** {@code scopes}: the scopes the server offers, e.g. without offline_access; null for the usual ones. */
    static AuthorizationServer start(Path workDir, List<String> scopes) throws Exception {
        Path modules = ItEnv.oauthServerDir().resolve("node_modules/oidc-provider");
        if (!Files.isDirectory(modules)) {
            throw new IllegalStateException("npm packages missing: run 'npm ci' in " + ItEnv.oauthServerDir());
        }
        Path config = workDir.resolve("as-config.json");
        Files.writeString(config, "{\"clients\":["
                + publicClient("app", 3) + "," + publicClient("app-5s", 5) + "," + publicClient("app-long", 300) + ","
                + publicClient("app-short-refresh", 3).replace("}", ",\"x_refresh_token_ttl\":30}") + ","
                + publicClient(JWT_CLIENT, 3).replace("}", ",\"x_access_token_format\":\"jwt\"}") + ","
                + idleClient(IDLE_CLIENT) + "," + idleClient(IDLE_CLIENT_2) + "," + idleClient(IDLE_CLIENT_3) + ","
                + idleClient(IDLE_CLIENT_4) + ","
                + publicClient(SESSION_MAX_CLIENT, 3).replace("}", ",\"x_refresh_token_max\":" + SESSION_MAX_SECONDS
                        + ",\"x_refresh_expires_in\":true}") + ","
                + "{\"client_id\":\"" + RS_CLIENT + "\",\"client_secret\":\"" + RS_SECRET
                + "\",\"grant_types\":[],\"response_types\":[],\"redirect_uris\":[]}]"
                + (scopes == null ? "" : ",\"scopes\":[\"" + String.join("\",\"", scopes) + "\"]") + "}");
        int port = ItEnv.freePort();
        ForkedProcess p = ForkedProcess.start("oidc-provider", List.of("node", "server.mjs", String.valueOf(port),
                config.toString()), ItEnv.oauthServerDir());
        String ready = p.awaitLine(l -> l.startsWith("READY "), Duration.ofSeconds(30));
        return new AuthorizationServer(p, ready.substring("READY ".length()).trim());
    }

    private static String publicClient(String id, int accessTtl) {
        return "{\"client_id\":\"" + id + "\",\"token_endpoint_auth_method\":\"none\","
                + "\"grant_types\":[\"authorization_code\",\"refresh_token\"],\"response_types\":[\"code\"],"
                + "\"redirect_uris\":[\"" + REDIRECT + "\"],\"x_access_token_ttl\":" + accessTtl + "}";
    }

    private static String idleClient(String id) {
        return publicClient(id, 3).replace("}", ",\"x_refresh_token_ttl\":" + IDLE_REFRESH_TTL_SECONDS
                + ",\"x_refresh_expires_in\":true}");
    }

    /** {@code idToken}: the OpenID ID token of the login (scope openid), null when none was issued. */
    record Tokens(String accessToken, String refreshToken, String idToken) {
    }

    /**
     * Authorization code + PKCE S256 as a browser would do it: the provider's own endpoints, with the login and
     * consent pages answered by the server's auto-approve interaction (see server.mjs), as the user "alice".
     */
    Tokens login(String clientId) throws Exception {
        return login(clientId, null, null);
    }

    /**
     * The same login as {@code user} (sent as {@code login_hint}; null for the default "alice"), with the access
     * token bound to {@code resource} (RFC 8707; null for none): oidc-provider needs the resource in the authorization
     * request and again in the code exchange, else it issues an opaque token for its own userinfo endpoint. With a
     * resource the scope {@code mcp} (the resource's scope) is asked for as well.
     */
    Tokens login(String clientId, String user, String resource) throws Exception {
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        Map<String, String> authorize = new java.util.LinkedHashMap<>(Map.of("client_id", clientId,
                "response_type", "code", "redirect_uri", REDIRECT,
                "scope", resource == null ? "openid offline_access" : "openid offline_access mcp", "prompt", "consent",
                "code_challenge", challenge, "code_challenge_method", "S256", "state", "it"));
        if (user != null) {
            authorize.put("login_hint", user);
        }
        if (resource != null) {
            authorize.put("resource", resource);
        }
        URI start = URI.create(issuer + "/auth?" + form(authorize));
        String code = null;
        for (String kv : approve(start, REDIRECT).getRawQuery().split("&")) {
            if (kv.startsWith("code=")) {
                code = java.net.URLDecoder.decode(kv.substring(5), StandardCharsets.UTF_8);
            }
        }
        if (code == null) {
            throw new AssertionError("no authorization code after the login redirects");
        }
        Map<String, String> exchange = new java.util.LinkedHashMap<>(Map.of("grant_type", "authorization_code",
                "code", code, "redirect_uri", REDIRECT, "client_id", clientId, "code_verifier", verifier));
        if (resource != null) {
            exchange.put("resource", resource);
        }
        Map<String, Object> t = postForm("/token", exchange);
        return new Tokens((String) t.get("access_token"), (String) t.get("refresh_token"), (String) t.get("id_token"));
    }

    /**
     * One refresh_token grant as a client would send it (public client; {@code resource} null for none): the raw
     * token response. Note that it rotates the refresh token.
     */
    Map<String, Object> refresh(String clientId, String refreshToken, String resource) throws Exception {
        Map<String, String> form = new java.util.LinkedHashMap<>(Map.of("grant_type", "refresh_token",
                "refresh_token", refreshToken, "client_id", clientId));
        if (resource != null) {
            form.put("resource", resource);
        }
        return postForm("/token", form);
    }

    /**
     * The browser's part of a login: follows the authorization server's redirects from {@code authorizeUrl} (its
     * interaction pages approve by themselves) and returns the redirect to {@code redirectPrefix}, not following it.
     */
    URI approve(URI authorizeUrl, String redirectPrefix) throws Exception {
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        URI next = authorizeUrl;
        for (int hop = 0; hop < 12; hop++) {
            HttpResponse<String> r = browser.send(HttpRequest.newBuilder(next).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            String location = r.headers().firstValue("Location")
                    .orElseThrow(() -> new AssertionError("login stopped at " + r.statusCode() + ": " + r.body()));
            if (location.startsWith(redirectPrefix)) {
                return URI.create(location);
            }
            next = next.resolve(location);
        }
        throw new AssertionError("no redirect to " + redirectPrefix + " after 12 hops");
    }

    /**
     * The user's part of a device login (RFC 8628) in the provider's own pages: open the verification URI with the
     * code, submit the code form, confirm, and follow the redirects through the auto-approving interaction.
     */
    void approveDevice(URI verificationUriComplete) throws Exception {
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        String page = browser.send(HttpRequest.newBuilder(verificationUriComplete).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
        for (int step = 0; step < 2; step++) { // the code form, then the confirmation form
            java.util.regex.Matcher action = java.util.regex.Pattern.compile("action=\"([^\"]+)\"").matcher(page);
            if (!action.find()) {
                throw new AssertionError("no form on the device page: " + page);
            }
            Map<String, String> fields = new java.util.LinkedHashMap<>();
            java.util.regex.Matcher hidden = java.util.regex.Pattern.compile(
                    "<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\"").matcher(page);
            while (hidden.find()) {
                fields.put(hidden.group(1), hidden.group(2));
            }
            HttpResponse<String> r = browser.send(HttpRequest.newBuilder(verificationUriComplete.resolve(action.group(1)))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form(fields))).build(), HttpResponse.BodyHandlers.ofString());
            page = r.body();
            URI next = verificationUriComplete;
            for (int hop = 0; hop < 12 && r.headers().firstValue("Location").isPresent(); hop++) {
                next = next.resolve(r.headers().firstValue("Location").get());
                r = browser.send(HttpRequest.newBuilder(next).GET().build(), HttpResponse.BodyHandlers.ofString());
                page = r.body();
            }
        }
        if (!page.contains("Sign-in Success") && !page.toLowerCase(java.util.Locale.ROOT).contains("success")) {
            throw new AssertionError("the device login did not finish: " + page);
        }
    }

    /** Destroys one access token at the server, leaving its grant (and refresh token) alive. */
    void destroyAccessToken(String accessToken) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(issuer + "/test/destroy-access-token"))
                .POST(HttpRequest.BodyPublishers.ofString(accessToken)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 204) {
            throw new AssertionError("could not destroy the access token: " + r.statusCode());
        }
    }

    /** RFC 7009 revocation of a refresh token; oidc-provider then revokes the whole grant. */
    void revokeGrant(String clientId, String refreshToken) throws Exception {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(issuer + "/token/revocation"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("token", refreshToken, "client_id", clientId,
                        "token_type_hint", "refresh_token")))).build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new AssertionError("revocation answered " + r.statusCode());
        }
    }

    /** RFC 7662 introspection with the resource server's credentials: would the server accept this token now? */
    boolean active(String token) throws Exception {
        String basic = Base64.getEncoder().encodeToString((RS_CLIENT + ":" + RS_SECRET).getBytes(StandardCharsets.UTF_8));
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(issuer + "/token/introspection"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Authorization", "Basic " + basic)
                .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("token", token)))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        return Boolean.TRUE.equals(Json.parseObject(r.body()).get("active"));
    }

    /** The server's counters: successful token requests by grant type, failures by grant type and error. */
    Map<String, Object> stats() throws Exception {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(issuer + "/test/stats")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        return Json.parseObject(r.body());
    }

    /** How many token requests failed with this grant type and error code so far. */
    long tokenErrors(String grantTypeAndError) throws Exception {
        Long n = Json.number(Json.object(stats(), "tokenErrors"), grantTypeAndError);
        return n == null ? 0 : n;
    }

    /** How many times a rotated (already used) refresh token was presented. */
    long refreshTokenReuse() throws Exception {
        Long n = Json.number(stats(), "refreshReuse");
        return n == null ? 0 : n;
    }

    /** How many token requests succeeded for a grant type so far. */
    long tokenGrants(String grantType) throws Exception {
        Long n = Json.number(Json.object(stats(), "token"), grantType);
        return n == null ? 0 : n;
    }

    /**
     * When the server granted each successful refresh_token request of {@code clientId} so far (epoch millis of the
     * server's clock, which is this machine's), oldest first.
     */
    List<Long> refreshTimes(String clientId) throws Exception {
        Map<String, Object> all = Json.object(stats(), "refreshTimes");
        List<Object> times = all == null ? null : Json.array(all, clientId);
        List<Long> out = new java.util.ArrayList<>();
        if (times != null) {
            for (Object t : times) {
                out.add(((Number) t).longValue());
            }
        }
        return out;
    }

    private Map<String, Object> postForm(String path, Map<String, String> form) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(issuer + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(form))).build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new AssertionError(path + " answered " + r.statusCode());
        }
        return Json.parseObject(r.body());
    }

    private static String form(Map<String, String> form) {
        StringBuilder b = new StringBuilder();
        form.forEach((k, v) -> b.append(b.length() == 0 ? "" : "&").append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                .append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return b.toString();
    }

    String output() {
        return process.output();
    }

    @Override
    public void close() {
        process.close();
    }
}
