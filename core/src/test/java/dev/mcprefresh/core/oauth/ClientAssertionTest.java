package dev.mcprefresh.core.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcprefresh.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClientAssertionTest {
    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00.750Z");
    private static final String TOKEN_ENDPOINT = "https://as.example/oauth/token";

    @TempDir
    Path dir;

    @Test
    void theTypeIsTheJwtBearerUrnOfRfc7523() {
        assertEquals("urn:ietf:params:oauth:client-assertion-type:jwt-bearer", ClientAssertion.TYPE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"RS256", "PS256", "ES256"})
    void anAssertionVerifiesWithThePublicKeyAndCarriesTheRfc7523Claims(String alg) throws Exception {
        KeyPair pair = alg.equals("ES256") ? TestKeys.EC_P256 : TestKeys.RSA_2048;
        SigningKey key = load(pair, alg, "kid-7");
        String jwt = ClientAssertion.create(key, "client-1", TOKEN_ENDPOINT, NOW);

        assertTrue(jwt.matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+"), "base64url, no padding: " + jwt);
        String[] parts = jwt.split("\\.");
        byte[] signingInput = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
        assertTrue(verifies(alg, pair, signingInput, Base64.getUrlDecoder().decode(parts[2])), alg);

        assertEquals(Map.of("alg", alg, "typ", "JWT", "kid", "kid-7"), json(parts[0]));
        Map<String, Object> claims = json(parts[1]);
        assertEquals("client-1", claims.get("iss"));
        assertEquals("client-1", claims.get("sub"));
        assertEquals(TOKEN_ENDPOINT, claims.get("aud"));
        assertEquals(NOW.getEpochSecond(), claims.get("iat"));
        assertEquals(null, claims.get("nbf"), "no nbf: a server clock a little behind would refuse it");
        assertEquals(60L, (Long) claims.get("exp") - (Long) claims.get("iat"));
        assertEquals(16, Base64.getUrlDecoder().decode((String) claims.get("jti")).length, "128 random bits");
        assertEquals(List.of("iss", "sub", "aud", "jti", "iat", "exp"), List.copyOf(claims.keySet()));
    }

    @Test
    void noKidHeaderWithoutAKeyId() throws Exception {
        SigningKey key = load(TestKeys.EC_P256, null, null);
        String jwt = ClientAssertion.create(key, "client-1", TOKEN_ENDPOINT, NOW);
        assertEquals(Map.of("alg", "ES256", "typ", "JWT"), json(jwt.split("\\.")[0]));
    }

    @Test
    void eachAssertionHasItsOwnJti() throws Exception {
        SigningKey key = load(TestKeys.EC_P256, null, null);
        Object first = json(ClientAssertion.create(key, "c", TOKEN_ENDPOINT, NOW).split("\\.")[1]).get("jti");
        Object second = json(ClientAssertion.create(key, "c", TOKEN_ENDPOINT, NOW).split("\\.")[1]).get("jti");
        assertNotEquals(first, second);
    }

    @Test
    void quotesBackslashesAndControlCharactersInClaimsAreEscaped() throws Exception {
        SigningKey key = load(TestKeys.EC_P256, null, "k\"\\\n");
        String clientId = "a\"b\\c\nd\u0001e\u00e9\u2028";
        String audience = "https://as.example/t?x=\"}";
        String[] parts = ClientAssertion.create(key, clientId, audience, NOW).split("\\.");
        assertEquals("k\"\\\n", json(parts[0]).get("kid"));
        Map<String, Object> claims = json(parts[1]);
        assertEquals(clientId, claims.get("iss"));
        assertEquals(clientId, claims.get("sub"));
        assertEquals(audience, claims.get("aud"));
    }

    @Test
    void aMissingClientIdOrAudienceIsRefused() throws Exception {
        SigningKey key = load(TestKeys.EC_P256, null, null);
        assertThrows(IllegalArgumentException.class, () -> ClientAssertion.create(key, "", TOKEN_ENDPOINT, NOW));
        assertThrows(IllegalArgumentException.class, () -> ClientAssertion.create(key, null, TOKEN_ENDPOINT, NOW));
        assertThrows(IllegalArgumentException.class, () -> ClientAssertion.create(key, "c", "", NOW));
        assertThrows(IllegalArgumentException.class, () -> ClientAssertion.create(key, "c", null, NOW));
    }

    /** The JDK's verifiers, configured here from RFC 7518 section 3, not from SigningKey. */
    private static boolean verifies(String alg, KeyPair pair, byte[] input, byte[] signature) throws Exception {
        Signature verifier;
        switch (alg) {
            case "RS256":
                verifier = Signature.getInstance("SHA256withRSA");
                break;
            case "PS256":
                verifier = Signature.getInstance("RSASSA-PSS");
                verifier.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
                break;
            default:
                verifier = Signature.getInstance("SHA256withECDSA");
                assertEquals(64, signature.length);
                signature = TestKeys.derFromJose(signature);
        }
        verifier.initVerify(pair.getPublic());
        verifier.update(input);
        return verifier.verify(signature);
    }

    private SigningKey load(KeyPair pair, String alg, String kid) throws Exception {
        return SigningKey.load(TestKeys.writePkcs8(dir, "key.pem", pair), alg, kid, line -> { });
    }

    private static Map<String, Object> json(String base64url) {
        assertFalse(base64url.contains("="), base64url);
        return Json.parseObject(Base64.getUrlDecoder().decode(base64url));
    }
}
