package dev.mcprefresh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.PSSParameterSpec;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The test authorization server's service accounts (client_credentials): {@code svc-secret} with its client secret,
 * {@code svc-key} with private_key_jwt assertions signed here by RS256, PS256 and ES256, the MCP server accepting
 * the resource-bound tokens (they have no subject), a key no client registered refused as invalid_client, and the
 * server's counters. Scaffolding proof for the agent's client_credentials tests.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServiceClientsTest {
    private static final String ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    private AuthorizationServer as;
    private McpServerProcess server;
    private Path work;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        work = dir;
        as = AuthorizationServer.start(work);
        server = McpServerProcess.start("2.1", "streamable", as, work);
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
        if (as != null) {
            as.close();
        }
    }

    @Test
    void aSecretClientMintsATokenTheMcpServerAccepts() throws Exception {
        String token = as.mintClientCredentials(AuthorizationServer.SVC_SECRET_CLIENT, AuthorizationServer.SVC_SECRET,
                server.mcpUrl).accessToken();
        assertNotNull(token);
        Map<String, Object> info = as.introspect(token);
        assertEquals(Boolean.TRUE, info.get("active"));
        assertNull(info.get("sub"), "a client_credentials token has no subject");
        assertEquals(AuthorizationServer.SVC_SECRET_CLIENT, info.get("client_id"));
        assertEquals(server.mcpUrl, info.get("aud"));
        assertEquals("mcp", info.get("scope"), "the resource's scope without asking for one");
        long lifetime = ((Number) info.get("exp")).longValue() - ((Number) info.get("iat")).longValue();
        assertEquals(AuthorizationServer.SVC_ACCESS_TTL_SECONDS, lifetime);

        long accepted = server.gateStat("accepted");
        assertEquals(200, initialize(token));
        assertEquals(accepted + 1, server.gateStat("accepted"));

        // The raw answer: a Bearer token, its 3 s, scope mcp, and no refresh token. client_secret_post works too.
        AuthorizationServer.TokenAnswer post = as.tokenRequest(Map.of("grant_type", "client_credentials",
                "client_id", AuthorizationServer.SVC_SECRET_CLIENT, "client_secret", AuthorizationServer.SVC_SECRET,
                "resource", server.mcpUrl, "scope", "mcp"), null);
        assertEquals(200, post.status(), String.valueOf(post.body().get("error")));
        assertEquals("Bearer", post.body().get("token_type"));
        assertEquals(3L, ((Number) post.body().get("expires_in")).longValue());
        assertEquals("mcp", post.body().get("scope"));
        assertFalse(post.body().containsKey("refresh_token"));
    }

    @Test
    void aKeyClientMintsWithRs256Ps256AndEs256Assertions() throws Exception {
        PrivateKey rsa = readPem(as.svcRsaKey(), "RSA");
        PrivateKey ec = readPem(as.svcEcKey(), "EC");
        for (Path key : List.of(as.svcRsaKey(), as.svcEcKey())) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
            List<String> lines = Files.readAllLines(key, StandardCharsets.US_ASCII);
            assertEquals("-----BEGIN PRIVATE KEY-----", lines.get(0));
            assertEquals("-----END PRIVATE KEY-----", lines.get(lines.size() - 1));
            assertEquals(64, lines.get(1).length());
        }
        String[][] cases = {{"RS256", AuthorizationServer.SVC_RSA_KID}, {"PS256", AuthorizationServer.SVC_RSA_KID},
                {"ES256", AuthorizationServer.SVC_EC_KID}};
        for (String[] c : cases) {
            PrivateKey key = c[0].equals("ES256") ? ec : rsa;
            AuthorizationServer.TokenAnswer a = keyGrant(assertion(key, c[0], c[1], as.tokenEndpoint()));
            assertEquals(200, a.status(), c[0] + ": " + a.body().get("error") + " " + a.body().get("error_description"));
            String token = (String) a.body().get("access_token");
            assertEquals(AuthorizationServer.SVC_KEY_CLIENT, as.introspect(token).get("client_id"));
            assertEquals(200, initialize(token), c[0] + " token at the MCP server");
        }
        // The issuer is an accepted audience as well, and an assertion without kid finds its key by type.
        assertEquals(200, keyGrant(assertion(rsa, "RS256", AuthorizationServer.SVC_RSA_KID, as.issuer)).status());
        assertEquals(200, keyGrant(assertion(ec, "ES256", null, as.tokenEndpoint())).status());
    }

    @Test
    void anUnregisteredKeyOrAWrongSecretIsInvalidClientAndCounted() throws Exception {
        Path rotated = work.resolve("rotated-away.pem");
        AuthorizationServer.writeUnregisteredRsaKey(rotated);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(rotated)));
        long before = as.tokenErrors("client_credentials:invalid_client");
        long grants = as.clientCredentialsGrants();
        for (String kid : new String[] {AuthorizationServer.SVC_RSA_KID, null}) {
            AuthorizationServer.TokenAnswer a = keyGrant(assertion(readPem(rotated, "RSA"), "RS256", kid,
                    as.tokenEndpoint()));
            assertEquals(401, a.status());
            assertEquals("invalid_client", a.body().get("error"));
        }
        AuthorizationServer.TokenAnswer wrong = as.tokenRequest(Map.of("grant_type", "client_credentials",
                "resource", server.mcpUrl), AuthorizationServer.basic(AuthorizationServer.SVC_SECRET_CLIENT, "wrong"));
        assertEquals(401, wrong.status());
        assertEquals("invalid_client", wrong.body().get("error"));
        // A replayed assertion (same jti) is refused too.
        String once = assertion(readPem(as.svcRsaKey(), "RSA"), "RS256", AuthorizationServer.SVC_RSA_KID,
                as.tokenEndpoint());
        assertEquals(200, keyGrant(once).status());
        assertEquals(401, keyGrant(once).status());
        assertEquals(before + 4, as.tokenErrors("client_credentials:invalid_client"));
        assertEquals(grants + 1, as.clientCredentialsGrants());
    }

    @Test
    void ccTimesCountEachClientsGrants() throws Exception {
        int secretBefore = as.ccTimes(AuthorizationServer.SVC_SECRET_CLIENT).size();
        List<Long> keyBefore = as.ccTimes(AuthorizationServer.SVC_KEY_CLIENT);
        long started = System.currentTimeMillis();
        for (int i = 0; i < 2; i++) {
            as.mintClientCredentials(AuthorizationServer.SVC_SECRET_CLIENT, AuthorizationServer.SVC_SECRET, null);
        }
        assertEquals(200, keyGrant(assertion(readPem(as.svcEcKey(), "EC"), "ES256", AuthorizationServer.SVC_EC_KID,
                as.tokenEndpoint())).status());
        List<Long> secretTimes = as.ccTimes(AuthorizationServer.SVC_SECRET_CLIENT);
        List<Long> keyTimes = as.ccTimes(AuthorizationServer.SVC_KEY_CLIENT);
        assertEquals(secretBefore + 2, secretTimes.size());
        assertEquals(keyBefore.size() + 1, keyTimes.size());
        assertTrue(secretTimes.get(secretTimes.size() - 1) >= started - 1000);
        assertTrue(as.ccTimes("app").isEmpty());
    }

    private AuthorizationServer.TokenAnswer keyGrant(String assertion) throws Exception {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        form.put("client_assertion_type", ASSERTION_TYPE);
        form.put("client_assertion", assertion);
        form.put("resource", server.mcpUrl);
        return as.tokenRequest(form, null);
    }

    /** An initialize request at the MCP server with the bearer token: its HTTP status. */
    private int initialize(String token) throws Exception {
        String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"it\",\"version\":\"1\"}}}";
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.mcpUrl))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }

    private static PrivateKey readPem(Path file, String algorithm) throws Exception {
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        String b64 = pem.replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", "")
                .replaceAll("\\s", "");
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(b64)));
    }

    /** An RFC 7523 client assertion of svc-key: iss = sub = client_id, a fresh jti, 60 s of life. */
    private static String assertion(PrivateKey key, String alg, String kid, String audience) throws Exception {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        long now = System.currentTimeMillis() / 1000;
        String header = "{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"" + (kid == null ? "" : ",\"kid\":\"" + kid + "\"") + "}";
        String claims = "{\"iss\":\"" + AuthorizationServer.SVC_KEY_CLIENT + "\",\"sub\":\""
                + AuthorizationServer.SVC_KEY_CLIENT + "\",\"aud\":\"" + audience + "\",\"jti\":\"" + UUID.randomUUID()
                + "\",\"iat\":" + now + ",\"exp\":" + (now + 60) + "}";
        String input = b64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        Signature s;
        switch (alg) {
            case "RS256" -> s = Signature.getInstance("SHA256withRSA");
            case "PS256" -> {
                s = Signature.getInstance("RSASSA-PSS");
                s.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
            }
            case "ES256" -> s = Signature.getInstance("SHA256withECDSA");
            default -> throw new IllegalArgumentException(alg);
        }
        s.initSign(key);
        s.update(input.getBytes(StandardCharsets.US_ASCII));
        byte[] signature = s.sign();
        if (alg.equals("ES256")) {
            signature = derToJose(signature, 32);
        }
        return input + "." + b64.encodeToString(signature);
    }

    /** An ASN.1 DER ECDSA signature, SEQUENCE { INTEGER r, INTEGER s }, as JWS wants it: r || s, each n bytes. */
    static byte[] derToJose(byte[] der, int n) {
        int i = 0;
        if (der[i++] != 0x30) {
            throw new IllegalArgumentException("not a DER sequence");
        }
        int seqLen = der[i++] & 0xff;
        if (seqLen == 0x81) { // long form, one length byte (P-521 only, but harmless)
            i++;
        }
        byte[] out = new byte[2 * n];
        for (int part = 0; part < 2; part++) {
            if (der[i++] != 0x02) {
                throw new IllegalArgumentException("not a DER integer");
            }
            int len = der[i++];
            int start = i;
            int size = len;
            while (size > n && der[start] == 0) { // the sign byte of a positive integer with its high bit set
                start++;
                size--;
            }
            if (size > n) {
                throw new IllegalArgumentException("integer longer than " + n + " bytes");
            }
            System.arraycopy(der, start, out, part * n + n - size, size);
            i += len;
        }
        return out;
    }
}
