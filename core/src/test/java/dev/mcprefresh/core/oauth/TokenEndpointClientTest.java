package dev.mcprefresh.core.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcprefresh.core.LoopbackServer;
import dev.mcprefresh.core.LoopbackServer.Reply;
import dev.mcprefresh.core.store.TokenRecord;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TokenEndpointClientTest {
    private final LoopbackServer as;
    private final TokenEndpointClient client = new TokenEndpointClient(new OAuthHttp(Duration.ofSeconds(2)),
            Clock.systemUTC());

    TokenEndpointClientTest() throws Exception {
        as = new LoopbackServer();
    }

    @AfterEach
    void stop() {
        as.close();
    }

    private TokenRecord.Builder record() {
        return TokenRecord.builder("https://mcp.example/mcp").tokenEndpoint(as.base() + "/token").clientId("my client")
                .refreshToken("rt-1");
    }

    @Test
    void publicClientSendsClientIdAndResource() throws Exception {
        as.route("/token", r -> Reply.json(200, "{\"access_token\":\"at\",\"expires_in\":60}"));
        TokenResponse r = client.refresh(record().resource("https://mcp.example/mcp").build());
        assertEquals("at", r.accessToken());
        String body = as.requests.get(0).body();
        assertTrue(body.contains("grant_type=refresh_token"), body);
        assertTrue(body.contains("refresh_token=rt-1"), body);
        assertTrue(body.contains("client_id=my+client"), body);
        assertTrue(body.contains("resource=https%3A%2F%2Fmcp.example%2Fmcp"), body);
        assertTrue(as.requests.get(0).header("Authorization").isEmpty());
    }

    @Test
    void clientSecretBasicEncodesIdAndSecret() throws Exception {
        as.route("/token", r -> Reply.json(200, "{\"access_token\":\"at\"}"));
        client.refresh(record().clientSecret("s:e cret").authMethod(TokenRecord.AUTH_BASIC).build());
        String auth = as.requests.get(0).header("Authorization").get(0);
        String decoded = new String(Base64.getDecoder().decode(auth.substring(6)), StandardCharsets.UTF_8);
        assertEquals("my+client:s%3Ae+cret", decoded);
        assertFalse(as.requests.get(0).body().contains("client_secret"));
        assertFalse(as.requests.get(0).body().contains("client_id"));
    }

    @Test
    void clientSecretPostPutsBothInTheForm() throws Exception {
        as.route("/token", r -> Reply.json(200, "{\"access_token\":\"at\"}"));
        client.refresh(record().clientSecret("sec").authMethod(TokenRecord.AUTH_POST).build());
        String body = as.requests.get(0).body();
        assertTrue(body.contains("client_id=my+client") && body.contains("client_secret=sec"), body);
    }

    @Test
    void invalidGrantMeansNewLogin() {
        as.route("/token", r -> Reply.json(400, "{\"error\":\"invalid_grant\",\"error_description\":\"rt-1 used\"}"));
        TokenEndpointException e = assertThrows(TokenEndpointException.class, () -> client.refresh(record().build()));
        assertTrue(e.needsLogin());
        assertEquals("invalid_grant", e.error());
        assertFalse(e.getMessage().contains("rt-1"), e.getMessage());
    }

    @Test
    void invalidGrantIsTheOnlyAnswerThatKillsTheGrant() {
        for (int status : new int[] {400, 401}) {
            as.route("/token", r -> Reply.json(status, "{\"error\":\"invalid_grant\"}"));
            TokenEndpointException e = assertThrows(TokenEndpointException.class, () -> client.refresh(record().build()));
            assertEquals(TokenEndpointException.Failure.GRANT_DEAD, e.failure());
            assertTrue(e.needsLogin());
            assertFalse(e.configurationError());
        }
    }

    @Test
    void aRefusedClientResourceOrScopeIsAConfigurationErrorThatSaysWhatToFix() {
        String[][] cases = {
            {"invalid_client", "client_id, client secret or private key, or token_endpoint_auth_method"},
            {"unauthorized_client", "not allowed the refresh_token grant"},
            {"invalid_target", "--resource"},
            {"invalid_scope", "--scope"},
            {"unsupported_grant_type", "does not support the refresh_token grant"},
            {"invalid_request", "malformed"},
        };
        for (String[] c : cases) {
            for (int status : new int[] {400, 401}) {
                as.route("/token", r -> Reply.json(status, "{\"error\":\"" + c[0] + "\",\"error_description\":"
                        + "\"rt-SECRET and cs-SECRET are wrong\"}"));
                TokenEndpointException e = assertThrows(TokenEndpointException.class, () -> client.refresh(
                        record().refreshToken("rt-SECRET").clientSecret("cs-SECRET").authMethod(TokenRecord.AUTH_POST)
                                .build()));
                String shown = c[0] + " " + status + ": " + e.getMessage();
                assertEquals(TokenEndpointException.Failure.CONFIGURATION, e.failure(), shown);
                assertFalse(e.needsLogin(), "not a dead grant: " + shown);
                assertTrue(e.configurationError(), shown);
                assertEquals(c[0], e.error());
                assertTrue(e.getMessage().startsWith("the token endpoint answered " + status + " " + c[0] + ": "), shown);
                assertTrue(e.getMessage().contains(c[1]), shown);
                assertFalse(e.getMessage().contains("SECRET"), shown);
            }
        }
    }

    @Test
    void aRefusalWithoutAnOAuthErrorBodyIsTransient() {
        java.util.List<Reply> replies = java.util.List.of(
            new Reply(400, "<html><body>Bad Request rt-1</body></html>", java.util.Map.of("Content-Type", "text/html")),
            new Reply(401, "", java.util.Map.of("WWW-Authenticate", "Basic realm=\"proxy\"")),
            Reply.json(400, "{}"),
            Reply.json(401, "{\"message\":\"unauthorized\"}"),
            Reply.json(400, "{\"error\":\"<script>rt-1</script>\"}"),
            Reply.json(400, "{\"error\":42}"),
            Reply.json(400, "[\"invalid_grant\"]"),
            Reply.json(400, "{\"error\":\"invalid_grant\""), // truncated: not the answer of the server
            Reply.json(400, "{\"error\":\"temporarily_unavailable\"}")); // not a refusal RFC 6749 5.2 defines
        for (Reply reply : replies) {
            as.route("/token", r -> reply);
            TokenEndpointException e = assertThrows(TokenEndpointException.class, () -> client.refresh(record().build()));
            String shown = reply + ": " + e.getMessage();
            assertEquals(TokenEndpointException.Failure.TRANSIENT, e.failure(), shown);
            assertFalse(e.needsLogin(), shown);
            assertFalse(e.configurationError(), shown);
            assertFalse(e.getMessage().contains("rt-1") || e.getMessage().contains("<"), shown);
        }
    }

    @Test
    void theOtherFailuresKeepTheirMeaning() {
        as.route("/token", r -> new Reply(307, "", java.util.Map.of("Location", "http://127.0.0.1:1/steal")));
        assertEquals(TokenEndpointException.Failure.TRANSIENT,
                assertThrows(TokenEndpointException.class, () -> client.refresh(record().build())).failure());
        as.route("/token", r -> Reply.json(502, "{\"error\":\"invalid_grant\"}"));
        assertEquals(TokenEndpointException.Failure.TRANSIENT,
                assertThrows(TokenEndpointException.class, () -> client.refresh(record().build())).failure(),
                "only 400 and 401 carry RFC 6749 5.2 refusals");
        as.route("/token", r -> Reply.json(200, "{\"refresh_token\":\"rt-2\"}"));
        TokenEndpointException unusable = assertThrows(TokenEndpointException.class, () -> client.refresh(record().build()));
        assertEquals(TokenEndpointException.Failure.TRANSIENT, unusable.failure());
        assertEquals("rt-2", unusable.rotatedRefreshToken(), "kept so the caller can store it");
        assertFalse(unusable.getMessage().contains("rt-2"), unusable.getMessage());
        int before = as.requests.size();
        TokenEndpointException none = assertThrows(TokenEndpointException.class,
                () -> client.refresh(record().refreshToken(null).build()));
        assertEquals("no refresh token is stored", none.getMessage());
        assertTrue(none.needsLogin());
        TokenEndpointException noEndpoint = assertThrows(TokenEndpointException.class,
                () -> client.refresh(record().tokenEndpoint(null).build()));
        assertTrue(noEndpoint.needsLogin());
        assertEquals(before, as.requests.size(), "nothing was sent");
    }

    @Test
    void serverErrorsAndRateLimitsAreTransient() {
        as.route("/token", r -> Reply.json(503, "<html>down</html>"));
        assertFalse(assertThrows(TokenEndpointException.class, () -> client.refresh(record().build())).needsLogin());
        as.route("/token", r -> Reply.json(429, "{}"));
        assertFalse(assertThrows(TokenEndpointException.class, () -> client.refresh(record().build())).needsLogin());
    }

    @Test
    void malformedSuccessIsTransientAndUnreachableIsTransient() {
        as.route("/token", r -> Reply.json(200, "{\"access_token\":"));
        assertFalse(assertThrows(TokenEndpointException.class, () -> client.refresh(record().build())).needsLogin());
        TokenRecord nowhere = record().tokenEndpoint("http://127.0.0.1:1/token").build();
        TokenEndpointException e = assertThrows(TokenEndpointException.class, () -> client.refresh(nowhere));
        assertFalse(e.needsLogin());
    }

    @Test
    void redirectsAreNotFollowed() {
        as.route("/token", r -> new Reply(307, "", java.util.Map.of("Location", "http://127.0.0.1:1/steal")));
        assertThrows(TokenEndpointException.class, () -> client.refresh(record().build()));
        assertEquals(1, as.requests.size());
    }

    // ---- service accounts: the client_credentials grant, and private_key_jwt client authentication (RFC 7523) ----

    private final java.util.List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final TokenEndpointClient warning = new TokenEndpointClient(new OAuthHttp(Duration.ofSeconds(2)),
            Clock.systemUTC(), warnings::add);

    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path keys;

    private TokenRecord.Builder serviceAccount() {
        return TokenRecord.builder("https://mcp.example/mcp").tokenEndpoint(as.base() + "/token").clientId("svc client")
                .grantType(TokenRecord.GRANT_CLIENT_CREDENTIALS);
    }

    private TokenRecord.Builder keyed(java.nio.file.Path key, String kid, String audience) {
        return serviceAccount().clientKey(new dev.mcprefresh.core.store.ClientKey(key.toString(), kid, null, audience));
    }

    /** The form as the server got it, decoded; a repeated name fails the test. */
    private static java.util.Map<String, String> form(String body) {
        java.util.Map<String, String> form = new java.util.LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            String name = java.net.URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            assertEquals(null, form.put(name, value), "sent once: " + name);
        }
        return form;
    }

    private static java.util.Map<String, Object> part(String jwt, int index) {
        return dev.mcprefresh.core.json.Json.parseObject(Base64.getUrlDecoder().decode(jwt.split("\\.")[index]));
    }

    /** Whether the JWS verifies with {@code key} (ES256 or RS256), by the JDK alone. */
    private static boolean verifies(String jwt, java.security.PublicKey key) throws Exception {
        String[] parts = jwt.split("\\.");
        assertEquals(3, parts.length, "a compact JWS");
        byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
        java.security.Signature verifier;
        if (key instanceof java.security.interfaces.ECPublicKey) {
            verifier = java.security.Signature.getInstance("SHA256withECDSA");
            signature = TestKeys.derFromJose(signature);
        } else {
            verifier = java.security.Signature.getInstance("SHA256withRSA");
        }
        verifier.initVerify(key);
        verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        return verifier.verify(signature);
    }

    private void minting() {
        as.route("/token", r -> Reply.json(200, "{\"access_token\":\"at-cc\",\"expires_in\":300,"
                + "\"token_type\":\"Bearer\"}"));
    }

    @Test
    void aServiceAccountMintsWithClientCredentialsScopeAndResourceAndNoRefreshToken() throws Exception {
        minting();
        TokenResponse r = client.refresh(serviceAccount().clientSecret("cs-SECRET").authMethod(TokenRecord.AUTH_BASIC)
                .scope("mcp:read mcp:write").resource("https://mcp.example/mcp").build());
        assertEquals("at-cc", r.accessToken());
        java.util.Map<String, String> sent = form(as.requests.get(0).body());
        assertEquals(java.util.Map.of("grant_type", "client_credentials", "scope", "mcp:read mcp:write",
                "resource", "https://mcp.example/mcp"), sent, "no refresh_token, no client_id or secret in the form");
        String auth = as.requests.get(0).header("Authorization").get(0);
        assertTrue(auth.startsWith("Basic "), "client_secret_basic");
        assertEquals("svc+client:cs-SECRET",
                new String(Base64.getDecoder().decode(auth.substring(6)), StandardCharsets.UTF_8));
    }

    @Test
    void aServiceAccountWithoutScopeOrResourceSendsNeitherAndNeverARefreshTokenItMayHold() throws Exception {
        minting();
        // Some servers hand out a refresh token with client credentials anyway: it is never what mints again.
        client.refresh(serviceAccount().clientSecret("sec").authMethod(TokenRecord.AUTH_POST).refreshToken("rt-X")
                .build());
        java.util.Map<String, String> sent = form(as.requests.get(0).body());
        assertEquals(java.util.Map.of("grant_type", "client_credentials", "client_id", "svc client",
                "client_secret", "sec"), sent);
        assertTrue(as.requests.get(0).header("Authorization").isEmpty());
    }

    @Test
    void privateKeyJwtSendsAnAssertionSignedWithTheKeyForTheTokenEndpoint() throws Exception {
        minting();
        java.nio.file.Path key = TestKeys.writePkcs8(keys, "ec.pem", TestKeys.EC_P256);
        TokenRecord record = keyed(key, null, null).scope("mcp").build();
        assertEquals(TokenRecord.AUTH_PRIVATE_KEY_JWT, record.authMethod(), "the default with a client key");
        long before = java.time.Instant.now().getEpochSecond();
        warning.refresh(record);
        java.util.Map<String, String> sent = form(as.requests.get(0).body());
        assertEquals("client_credentials", sent.get("grant_type"));
        assertEquals("mcp", sent.get("scope"));
        assertEquals("svc client", sent.get("client_id"));
        assertEquals("urn:ietf:params:oauth:client-assertion-type:jwt-bearer", sent.get("client_assertion_type"));
        assertFalse(sent.containsKey("client_secret"), "never a secret with private_key_jwt");
        assertFalse(sent.containsKey("refresh_token"));
        assertTrue(as.requests.get(0).header("Authorization").isEmpty(), "no Basic header either");
        String jwt = sent.get("client_assertion");
        assertTrue(verifies(jwt, TestKeys.EC_P256.getPublic()), "signed with the key in the file");
        java.util.Map<String, Object> header = part(jwt, 0);
        assertEquals("ES256", header.get("alg"), "by the key's type");
        assertFalse(header.containsKey("kid"), "no kid when none is stored");
        java.util.Map<String, Object> claims = part(jwt, 1);
        assertEquals("svc client", claims.get("iss"));
        assertEquals("svc client", claims.get("sub"));
        assertEquals(as.base() + "/token", claims.get("aud"), "the token endpoint by default (OIDC Core 9)");
        long exp = ((Number) claims.get("exp")).longValue();
        assertTrue(exp > before && exp <= java.time.Instant.now().getEpochSecond() + 300, "short-lived: " + exp);
        assertTrue(warnings.isEmpty(), "a 0600 key is not warned about: " + warnings);
    }

    @Test
    void privateKeyJwtTakesTheStoredAudienceAndKeyIdAndSignsWithAnRsaKey() throws Exception {
        minting();
        java.nio.file.Path key = TestKeys.writePkcs8(keys, "rsa.pem", TestKeys.RSA_2048);
        warning.refresh(keyed(key, "key-2026", as.base() + "/realms/mcp").build());
        String jwt = form(as.requests.get(0).body()).get("client_assertion");
        assertTrue(verifies(jwt, TestKeys.RSA_2048.getPublic()));
        assertEquals("RS256", part(jwt, 0).get("alg"));
        assertEquals("key-2026", part(jwt, 0).get("kid"));
        assertEquals(as.base() + "/realms/mcp", part(jwt, 1).get("aud"), "ClientKey.audience() wins");
    }

    @Test
    void privateKeyJwtAlsoAuthenticatesARefreshTokenGrant() throws Exception {
        minting();
        java.nio.file.Path key = TestKeys.writePkcs8(keys, "ec.pem", TestKeys.EC_P256);
        warning.refresh(record().clientKey(new dev.mcprefresh.core.store.ClientKey(key.toString(), null, null, null))
                .build());
        java.util.Map<String, String> sent = form(as.requests.get(0).body());
        assertEquals("refresh_token", sent.get("grant_type"));
        assertEquals("rt-1", sent.get("refresh_token"));
        assertEquals("my client", sent.get("client_id"));
        assertTrue(verifies(sent.get("client_assertion"), TestKeys.EC_P256.getPublic()));
    }

    @Test
    void theKeyIsReadAtEveryRequestSoAKeyRotatedOnDiskIsUsedAtTheNext() throws Exception {
        minting();
        java.nio.file.Path key = TestKeys.writePkcs8(keys, "ec.pem", TestKeys.EC_P256);
        TokenRecord record = keyed(key, null, null).build();
        warning.refresh(record);
        java.security.KeyPair rotated = TestKeys.generate("EC", new java.security.spec.ECGenParameterSpec("secp256r1"));
        TestKeys.writePkcs8(keys, "ec.pem", rotated);
        warning.refresh(record);
        String first = form(as.requests.get(0).body()).get("client_assertion");
        String second = form(as.requests.get(1).body()).get("client_assertion");
        assertTrue(verifies(first, TestKeys.EC_P256.getPublic()));
        assertTrue(verifies(second, rotated.getPublic()), "the new key signs from the next request on");
        assertFalse(verifies(second, TestKeys.EC_P256.getPublic()), "not the old key kept in memory");
        assertFalse(part(first, 1).get("jti").equals(part(second, 1).get("jti")), "a fresh assertion each time");
    }

    @Test
    void aKeyFileOthersCanReadIsWarnedAboutOncePerClientNotPerRequest() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(TestKeys.POSIX, "POSIX file modes");
        minting();
        java.nio.file.Path key = TestKeys.write(keys, "loose.pem",
                TestKeys.pem("PRIVATE KEY", TestKeys.EC_P256.getPrivate().getEncoded()), "rw-r--r--");
        TokenRecord record = keyed(key, null, null).build();
        for (int i = 0; i < 3; i++) {
            warning.refresh(record);
        }
        assertEquals(3, as.requests.size(), "a warning, not a refusal");
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains(key.toString()) && warnings.get(0).contains("chmod 600"), warnings.get(0));
        assertFalse(warnings.get(0).contains(TestKeys.pemStart(TestKeys.EC_P256)), "no key material");
    }

    @Test
    void aMissingOrUnusableKeyFileIsAConfigurationErrorThatSendsNothingAndShowsNoKey() throws Exception {
        minting();
        java.nio.file.Path missing = keys.resolve("absent.pem");
        byte[] der = TestKeys.RSA_2048.getPrivate().getEncoded();
        java.nio.file.Path damaged = TestKeys.write(keys, "damaged.pem",
                TestKeys.pem("PRIVATE KEY", java.util.Arrays.copyOf(der, der.length / 2)), "rw-------");
        java.nio.file.Path garbage = TestKeys.write(keys, "garbage.pem", "not a key at all\n", "rw-------");
        java.nio.file.Path pkcs1 = TestKeys.write(keys, "pkcs1.pem", TestKeys.pem("RSA PRIVATE KEY", der), "rw-------");
        java.nio.file.Path[] files = {missing, damaged, garbage, pkcs1};
        for (java.nio.file.Path file : files) {
            TokenEndpointException e = assertThrows(TokenEndpointException.class,
                    () -> warning.refresh(keyed(file, null, null).build()));
            String shown = file.getFileName() + ": " + e.getMessage();
            assertTrue(e.configurationError(), shown);
            assertFalse(e.needsLogin(), "the grant is not dead: " + shown);
            assertTrue(e.getMessage().startsWith("the client's private key cannot be used: "), shown);
            assertTrue(e.getMessage().contains(file.toString()), "names the file: " + shown);
            assertFalse(e.getMessage().contains(TestKeys.pemStart(TestKeys.RSA_2048)), "no PEM content: " + shown);
            assertFalse(e.getMessage().contains(Base64.getEncoder().encodeToString(der).substring(20, 40)), shown);
        }
        assertEquals(0, as.requests.size(), "nothing was sent");
    }

    @Test
    void anInvalidClientAnswerToAnAssertionIsAConfigurationErrorNamingTheKey() throws Exception {
        as.route("/token", r -> Reply.json(401, "{\"error\":\"invalid_client\"}"));
        java.nio.file.Path key = TestKeys.writePkcs8(keys, "ec.pem", TestKeys.EC_P256);
        TokenEndpointException e = assertThrows(TokenEndpointException.class,
                () -> warning.refresh(keyed(key, "kid-1", null).build()));
        assertTrue(e.configurationError(), e.getMessage());
        assertFalse(e.needsLogin());
        assertEquals("invalid_client", e.error());
        assertTrue(e.getMessage().contains("private key"), e.getMessage());
        as.route("/token", r -> Reply.json(400, "{\"error\":\"unauthorized_client\"}"));
        TokenEndpointException grant = assertThrows(TokenEndpointException.class,
                () -> warning.refresh(keyed(key, null, null).build()));
        assertTrue(grant.configurationError());
        assertTrue(grant.getMessage().contains("not allowed the client_credentials grant"), grant.getMessage());
    }

    @Test
    void aSecretStoredBesideTheKeyIsNeverSentWithPrivateKeyJwt() throws Exception {
        minting();
        java.nio.file.Path key = TestKeys.writePkcs8(keys, "ec.pem", TestKeys.EC_P256);
        TokenRecord both = keyed(key, null, null).clientSecret("cs-SECRET").build();
        assertEquals(TokenRecord.AUTH_PRIVATE_KEY_JWT, both.authMethod(), "the key wins the default");
        warning.refresh(both);
        warning.refresh(both.toBuilder().grantType(TokenRecord.GRANT_REFRESH_TOKEN).refreshToken("rt-1").build());
        for (LoopbackServer.Request r : as.requests) {
            assertFalse(r.body().contains("SECRET") || r.body().contains("client_secret"), "no secret in the form");
            assertTrue(r.header("Authorization").isEmpty(), "no Basic header");
            assertTrue(verifies(form(r.body()).get("client_assertion"), TestKeys.EC_P256.getPublic()));
        }
        assertEquals(2, as.requests.size());
    }

    @Test
    void anAssertionIsNeverMadeForAnotherServerThanTheOneItIsSentTo() throws Exception {
        // A table writer changing the token endpoint must not get an assertion the real server would take.
        minting();
        java.nio.file.Path key = TestKeys.writePkcs8(keys, "rsa-aud.pem", TestKeys.RSA_2048);
        TokenEndpointException e = assertThrows(TokenEndpointException.class,
                () -> warning.refresh(keyed(key, null, "https://real-as.example/token").build()));
        assertTrue(e.configurationError(), e.getMessage());
        assertTrue(as.requests.isEmpty(), "nothing was sent");
    }
}
