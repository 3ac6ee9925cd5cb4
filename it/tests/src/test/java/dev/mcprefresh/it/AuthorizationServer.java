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
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
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
 * <p>
 * Service accounts (grant {@code client_credentials} only, 3 s access tokens, no redirect URIs, no refresh tokens):
 * {@code svc-secret} (confidential, {@code client_secret_basic} with {@link #SVC_SECRET}; oidc-provider takes the
 * secret in the form body, {@code client_secret_post}, as well) and {@code svc-key} ({@code private_key_jwt},
 * RFC 7523: its {@code jwks} holds the public halves of an RSA 2048 key, kid {@code rsa-1}, and an EC P-256 key, kid
 * {@code ec-1}, generated once per test JVM; each server writes the private keys into its work directory as
 * unencrypted PKCS#8 PEM files with permissions 0600, {@link #svcRsaKey()} and {@link #svcEcKey()}). RS256, PS256
 * (RSA key; its JWK names no alg) and ES256 assertions are accepted, with {@code aud} the token endpoint URL or the
 * issuer. A client_credentials token asked for with {@code resource} is bound to it with scope {@code mcp} (also when
 * no scope is asked for) and has no subject: the bearer gate accepts it as subject "".
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
    /** The confidential service account (client_credentials, client_secret_basic). */
    static final String SVC_SECRET_CLIENT = "svc-secret";
    static final String SVC_SECRET = "svc-secret-for-loopback-tests-only";
    /** The private_key_jwt service account (client_credentials), keys {@link #SVC_RSA_KID} and {@link #SVC_EC_KID}. */
    static final String SVC_KEY_CLIENT = "svc-key";
    static final String SVC_RSA_KID = "rsa-1";
    static final String SVC_EC_KID = "ec-1";
    /** The service accounts' access token lifetime in seconds. */
    static final int SVC_ACCESS_TTL_SECONDS = 3;

    private final ForkedProcess process;
    final String issuer;
    private final Path svcRsaKey;
    private final Path svcEcKey;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    private AuthorizationServer(ForkedProcess process, String issuer, Path svcRsaKey, Path svcEcKey) {
        this.process = process;
        this.issuer = issuer;
        this.svcRsaKey = svcRsaKey;
        this.svcEcKey = svcEcKey;
    }

    /** svc-key's key pairs, generated once per JVM (an RSA 2048 key pair costs a noticeable fraction of a second). */
    private static final class SvcKeys {
        static final KeyPair RSA = generate("RSA");
        static final KeyPair EC = generate("EC");

        private static KeyPair generate(String algorithm) {
            try {
                KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
                if (algorithm.equals("RSA")) {
                    g.initialize(2048);
                } else {
                    g.initialize(new ECGenParameterSpec("secp256r1"));
                }
                return g.generateKeyPair();
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    static AuthorizationServer start(Path workDir) throws Exception {
        return start(workDir, null);
    }

    /** {@code scopes}: the scopes the server offers, e.g. without offline_access; null for the usual ones. */
    static AuthorizationServer start(Path workDir, List<String> scopes) throws Exception {
        return start(workDir, scopes, null);
    }

    /**
     * With client ID metadata documents on (server.mjs "cimd": true, see it/oauth-server/cimd.mjs): client ids that
     * are https://127.0.0.1:PORT/PATH URLs are resolved by fetching the document there, trusting the PEM certificate
     * {@code cimdTrustedCert} (NODE_EXTRA_CA_CERTS). {@link #cimdFetches()} tells what the server fetched.
     */
    static AuthorizationServer startWithClientMetadataDocuments(Path workDir, Path cimdTrustedCert) throws Exception {
        return start(workDir, null, cimdTrustedCert);
    }

    private static AuthorizationServer start(Path workDir, List<String> scopes, Path cimdTrustedCert) throws Exception {
        Path modules = ItEnv.oauthServerDir().resolve("node_modules/oidc-provider");
        if (!Files.isDirectory(modules)) {
            throw new IllegalStateException("npm packages missing: run 'npm ci' in " + ItEnv.oauthServerDir());
        }
        int port = ItEnv.freePort();
        // Named by port: several servers may share a work directory, and each one's key files must stay its own.
        Path rsaKey = workDir.resolve("svc-key-rsa-" + port + ".pem");
        Path ecKey = workDir.resolve("svc-key-ec-" + port + ".pem");
        writePrivateKeyPem(SvcKeys.RSA.getPrivate(), rsaKey);
        writePrivateKeyPem(SvcKeys.EC.getPrivate(), ecKey);
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
                + "\",\"grant_types\":[],\"response_types\":[],\"redirect_uris\":[]},"
                + serviceClient(SVC_SECRET_CLIENT, "\"token_endpoint_auth_method\":\"client_secret_basic\","
                        + "\"client_secret\":\"" + SVC_SECRET + "\"") + ","
                + serviceClient(SVC_KEY_CLIENT, "\"token_endpoint_auth_method\":\"private_key_jwt\","
                        + "\"jwks\":{\"keys\":[" + publicJwk(SvcKeys.RSA, SVC_RSA_KID) + ","
                        + publicJwk(SvcKeys.EC, SVC_EC_KID) + "]}") + "]"
                + (scopes == null ? "" : ",\"scopes\":[\"" + String.join("\",\"", scopes) + "\"]")
                + (cimdTrustedCert == null ? "" : ",\"cimd\":true") + "}");
        ForkedProcess p = ForkedProcess.start("oidc-provider", List.of("node", "server.mjs", String.valueOf(port),
                config.toString()), ItEnv.oauthServerDir(), cimdTrustedCert == null ? Map.of()
                        : Map.of("NODE_EXTRA_CA_CERTS", cimdTrustedCert.toAbsolutePath().toString()));
        String ready = p.awaitLine(l -> l.startsWith("READY "), Duration.ofSeconds(30));
        return new AuthorizationServer(p, ready.substring("READY ".length()).trim(), rsaKey, ecKey);
    }

    private static String serviceClient(String id, String authentication) {
        return "{\"client_id\":\"" + id + "\"," + authentication + ",\"grant_types\":[\"client_credentials\"],"
                + "\"response_types\":[],\"redirect_uris\":[],\"x_access_token_ttl\":" + SVC_ACCESS_TTL_SECONDS + "}";
    }

    /**
     * The public JWK of a key pair, for a client's {@code jwks}. RSA names no {@code alg}, so that oidc-provider
     * verifies RS256 and PS256 assertions with it (a JWK's alg restricts the key to that one algorithm).
     */
    static String publicJwk(KeyPair pair, String kid) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        if (pair.getPublic() instanceof RSAPublicKey rsa) {
            return "{\"kty\":\"RSA\",\"n\":\"" + b64.encodeToString(unsigned(rsa.getModulus(), 0)) + "\",\"e\":\""
                    + b64.encodeToString(unsigned(rsa.getPublicExponent(), 0)) + "\",\"kid\":\"" + kid
                    + "\",\"use\":\"sig\"}";
        }
        ECPublicKey ec = (ECPublicKey) pair.getPublic();
        if (ec.getParams().getCurve().getField().getFieldSize() != 256) {
            throw new IllegalArgumentException("only P-256 keys");
        }
        return "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" + b64.encodeToString(unsigned(ec.getW().getAffineX(), 32))
                + "\",\"y\":\"" + b64.encodeToString(unsigned(ec.getW().getAffineY(), 32)) + "\",\"kid\":\"" + kid
                + "\",\"use\":\"sig\"}";
    }

    /** The big-endian magnitude without a sign byte, left-padded with zeros to {@code length} (0: no padding). */
    private static byte[] unsigned(java.math.BigInteger value, int length) {
        byte[] raw = value.toByteArray();
        int start = raw.length > 1 && raw[0] == 0 ? 1 : 0;
        int size = raw.length - start;
        if (length > 0 && size > length) {
            throw new IllegalArgumentException("coordinate longer than " + length + " bytes");
        }
        byte[] out = new byte[Math.max(size, length)];
        System.arraycopy(raw, start, out, out.length - size, size);
        return out;
    }

    /**
     * Writes {@code key} as an unencrypted PKCS#8 PEM file ({@code -----BEGIN PRIVATE KEY-----}, 64 characters a
     * line) with permissions 0600, replacing {@code file} atomically: a reader never sees a partial key.
     */
    static void writePrivateKeyPem(PrivateKey key, Path file) throws IOException {
        if (!"PKCS#8".equals(key.getFormat())) {
            throw new IllegalArgumentException("not a PKCS#8 key: " + key.getFormat());
        }
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, ".key-", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(tmp, pem, StandardCharsets.US_ASCII);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Writes a fresh RSA 2048 private key that no client has registered (a key rotated away, or never enrolled) to
     * {@code file}, PKCS#8 PEM with permissions 0600 like {@link #svcRsaKey()}; an assertion signed with it is
     * refused (invalid_client).
     */
    static void writeUnregisteredRsaKey(Path file) throws IOException {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            writePrivateKeyPem(g.generateKeyPair().getPrivate(), file);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** svc-key's registered RSA private key ({@link #SVC_RSA_KID}): PKCS#8 PEM, 0600. */
    Path svcRsaKey() {
        return svcRsaKey;
    }

    /** svc-key's registered EC P-256 private key ({@link #SVC_EC_KID}): PKCS#8 PEM, 0600. */
    Path svcEcKey() {
        return svcEcKey;
    }

    /** The token endpoint: also the audience a private_key_jwt assertion names. */
    String tokenEndpoint() {
        return issuer + "/token";
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
     * A client_credentials token minted directly with a client secret (client_secret_basic), bound to {@code resource}
     * (null for none), e.g. for a test app's static token minted once at start. There is no refresh or ID token.
     */
    Tokens mintClientCredentials(String clientId, String secret, String resource) throws Exception {
        Map<String, String> form = new java.util.LinkedHashMap<>(Map.of("grant_type", "client_credentials"));
        if (resource != null) {
            form.put("resource", resource);
        }
        TokenAnswer a = tokenRequest(form, basic(clientId, secret));
        if (a.status() != 200) {
            throw new AssertionError("client_credentials for " + clientId + " answered " + a.status() + " "
                    + a.body().get("error"));
        }
        return new Tokens((String) a.body().get("access_token"), null, null);
    }

    /** A token endpoint answer: the HTTP status and the JSON body (error answers included). */
    record TokenAnswer(int status, Map<String, Object> body) {
    }

    /**
     * One raw token request: {@code form} as sent, {@code authorization} the Authorization header value (null for
     * none, e.g. private_key_jwt or client_secret_post, whose credentials are in the form).
     */
    TokenAnswer tokenRequest(Map<String, String> form, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(tokenEndpoint()))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form(form)));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        return new TokenAnswer(r.statusCode(), Json.parseObject(r.body()));
    }

    /** An RFC 6749 section 2.3.1 Basic header: id and secret form-urlencoded, then base64. */
    static String basic(String clientId, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((URLEncoder.encode(clientId, StandardCharsets.UTF_8) + ":"
                + URLEncoder.encode(secret, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
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
        return Boolean.TRUE.equals(introspect(token).get("active"));
    }

    /** The resource server's RFC 7662 introspection answer for {@code token} (active, sub, client_id, aud, scope...). */
    Map<String, Object> introspect(String token) throws Exception {
        String basic = Base64.getEncoder().encodeToString((RS_CLIENT + ":" + RS_SECRET).getBytes(StandardCharsets.UTF_8));
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(issuer + "/token/introspection"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Authorization", "Basic " + basic)
                .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("token", token)))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        return Json.parseObject(r.body());
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
     * How many token requests of a grant type reached the token endpoint so far, answered or refused: the successes
     * and the failures of every error code together.
     */
    long tokenRequests(String grantType) throws Exception {
        Map<String, Object> s = stats();
        Long ok = Json.number(Json.object(s, "token"), grantType);
        long n = ok == null ? 0 : ok;
        Map<String, Object> errors = Json.object(s, "tokenErrors");
        if (errors != null) {
            for (Map.Entry<String, Object> e : errors.entrySet()) {
                if (e.getKey().startsWith(grantType + ":")) {
                    n += ((Number) e.getValue()).longValue();
                }
            }
        }
        return n;
    }

    /**
     * Each successful dynamic client registration (RFC 7591) so far, oldest first, as registered (the provider's
     * defaults filling what the request left out): client_id, application_type, grant_types,
     * token_endpoint_auth_method.
     */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> registrations() throws Exception {
        List<Object> all = Json.array(stats(), "registrations");
        List<Map<String, Object>> out = new java.util.ArrayList<>();
        if (all != null) {
            for (Object r : all) {
                out.add((Map<String, Object>) r);
            }
        }
        return out;
    }

    /**
     * Each client ID metadata document fetch the server made so far, oldest first: {url, status} (status 0 when no
     * answer came). Empty unless started with {@link #startWithClientMetadataDocuments}.
     */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> cimdFetches() throws Exception {
        List<Object> all = Json.array(stats(), "cimdFetches");
        List<Map<String, Object>> out = new java.util.ArrayList<>();
        if (all != null) {
            for (Object f : all) {
                out.add((Map<String, Object>) f);
            }
        }
        return out;
    }

    /** The client id each time the server resolved a client from a metadata document (fetched or cached). */
    List<String> cimdClients() throws Exception {
        List<Object> all = Json.array(stats(), "cimdClients");
        return all == null ? List.of() : all.stream().map(String::valueOf).toList();
    }

    /** How many client_credentials token requests succeeded so far, all clients together. */
    long clientCredentialsGrants() throws Exception {
        return tokenGrants("client_credentials");
    }

    /**
     * When the server granted each successful refresh_token request of {@code clientId} so far (epoch millis of the
     * server's clock, which is this machine's), oldest first.
     */
    List<Long> refreshTimes(String clientId) throws Exception {
        return times("refreshTimes", clientId);
    }

    /** When the server granted each successful client_credentials request of {@code clientId} so far, oldest first. */
    List<Long> ccTimes(String clientId) throws Exception {
        return times("ccTimes", clientId);
    }

    private List<Long> times(String stat, String clientId) throws Exception {
        Map<String, Object> all = Json.object(stats(), stat);
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
