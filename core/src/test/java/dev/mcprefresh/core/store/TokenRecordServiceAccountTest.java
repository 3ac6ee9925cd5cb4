package dev.mcprefresh.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcprefresh.core.json.Json;
import dev.mcprefresh.core.json.JsonException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store fields of service accounts: grant_type and client_key (private_key_jwt), and old stores unchanged. */
class TokenRecordServiceAccountTest {
    private static final String URL = "https://mcp.example/mcp";
    private static final String KEY_FILE = "/etc/mcp/keys/svc-KEYPATH.pem";

    @TempDir
    Path dir;

    private static TokenRecord serviceAccount() {
        return TokenRecord.builder(URL).issuer("https://as.example").subject("svc").tokenEndpoint("https://as.example/token")
                .clientId("svc").grantType(TokenRecord.GRANT_CLIENT_CREDENTIALS)
                .clientKey(new ClientKey(KEY_FILE, "kid-1", "PS256", "https://as.example"))
                .scope("mcp:read").resource(URL).accessToken("at-SECRET").expiresAt(Instant.parse("2030-01-01T00:00:00Z"))
                .updatedAt(Instant.parse("2029-12-31T23:00:00Z")).build();
    }

    /** Through the JSON text, as the store writes and reads it. */
    private static TokenRecord roundTrip(TokenRecord r) {
        return TokenRecord.fromJson(r.id(), Json.parseObject(Json.write(r.toJson())));
    }

    private static Map<String, Object> json(String text) {
        return Json.parseObject(text.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonException refused(String entry) {
        return assertThrows(JsonException.class, () -> TokenRecord.fromJson("e1", json(entry)));
    }

    @Test
    void grantTypeAndClientKeyRoundTrip() {
        TokenRecord r = serviceAccount();
        Map<String, Object> o = r.toJson();
        assertEquals("client_credentials", o.get("grant_type"));
        // Left out for a key (client_key says it), so that an older agent does not refuse the whole store over it.
        assertEquals(null, o.get("token_endpoint_auth_method"), "derived from the client key");
        assertEquals(Map.of("file", KEY_FILE, "kid", "kid-1", "alg", "PS256", "aud", "https://as.example"),
                o.get("client_key"));
        assertFalse(o.containsKey("client_secret"));

        TokenRecord back = roundTrip(r);
        assertTrue(back.clientCredentials());
        assertEquals(TokenRecord.GRANT_CLIENT_CREDENTIALS, back.grantType());
        assertEquals(TokenRecord.AUTH_PRIVATE_KEY_JWT, back.authMethod());
        assertEquals(new ClientKey(KEY_FILE, "kid-1", "PS256", "https://as.example"), back.clientKey());
        assertEquals("kid-1", back.clientKey().keyId());
        assertEquals("PS256", back.clientKey().algorithm());
        assertEquals("https://as.example", back.clientKey().audience());
        assertEquals(r.id(), back.id());
        assertEquals(r.toJson(), back.toJson());
    }

    @Test
    void aClientKeyWithOnlyItsFileKeepsOnlyTheFile() {
        TokenRecord r = TokenRecord.builder(URL).clientId("svc").clientKey(new ClientKey(KEY_FILE, null, null, null))
                .build();
        assertEquals(Map.of("file", KEY_FILE), r.toJson().get("client_key"));
        TokenRecord back = roundTrip(r);
        assertEquals(new ClientKey(KEY_FILE, null, null, null), back.clientKey());
        assertNull(back.clientKey().keyId());
        assertNull(back.clientKey().algorithm());
        assertNull(back.clientKey().audience());
        assertFalse(back.clientCredentials(), "a key does not make a service account: a user's grant may use one");
        assertEquals(TokenRecord.AUTH_PRIVATE_KEY_JWT, back.authMethod());
    }

    @Test
    void anOldEntryReadsAsARefreshTokenGrantWithNoKeyAndIsWrittenAsItWas() {
        TokenRecord old = TokenRecord.fromJson("e1", json("{\"server_url\":\"" + URL + "\",\"client_id\":\"c\","
                + "\"client_secret\":\"cs\",\"refresh_token\":\"rt\"}"));
        assertEquals(TokenRecord.GRANT_REFRESH_TOKEN, old.grantType());
        assertFalse(old.clientCredentials());
        assertNull(old.clientKey());
        assertEquals(TokenRecord.AUTH_BASIC, old.authMethod(), "with a secret and no key: as before");
        Map<String, Object> o = old.toJson();
        assertFalse(o.containsKey("grant_type"), "stores older agents read stay as they were: " + o.keySet());
        assertFalse(o.containsKey("client_key"), o.keySet().toString());

        TokenRecord built = TokenRecord.builder(URL).clientId("c").refreshToken("rt").build();
        assertEquals(TokenRecord.GRANT_REFRESH_TOKEN, built.grantType());
        assertEquals(TokenRecord.AUTH_NONE, built.authMethod());
        assertFalse(built.toJson().containsKey("grant_type"));
        assertFalse(built.toJson().containsKey("client_key"));

        TokenRecord explicit = TokenRecord.fromJson("e1", json("{\"server_url\":\"" + URL + "\","
                + "\"grant_type\":\"refresh_token\",\"refresh_token\":\"rt\"}"));
        assertFalse(explicit.clientCredentials());
        assertFalse(explicit.toJson().containsKey("grant_type"));
    }

    @Test
    void theAuthMethodDefaultsByTheCredentialsAndAStoredOneWins() {
        ClientKey key = new ClientKey(KEY_FILE, null, null, null);
        assertEquals(TokenRecord.AUTH_PRIVATE_KEY_JWT, TokenRecord.builder(URL).clientKey(key).build().authMethod());
        assertEquals(TokenRecord.AUTH_PRIVATE_KEY_JWT,
                TokenRecord.builder(URL).clientKey(key).clientSecret("cs").build().authMethod(), "the key wins");
        assertEquals(TokenRecord.AUTH_BASIC, TokenRecord.builder(URL).clientSecret("cs").build().authMethod());
        assertEquals(TokenRecord.AUTH_POST, TokenRecord.builder(URL).clientKey(key).clientSecret("cs")
                .authMethod(TokenRecord.AUTH_POST).build().authMethod());
        TokenRecord cc = TokenRecord.fromJson("e1", json("{\"server_url\":\"" + URL + "\","
                + "\"grant_type\":\"client_credentials\",\"client_id\":\"svc\",\"client_secret\":\"cs\"}"));
        assertTrue(cc.clientCredentials());
        assertEquals(TokenRecord.AUTH_BASIC, cc.authMethod());
    }

    @Test
    void invalidServiceAccountFieldsAreRefusedWithAClearMessage() {
        String head = "{\"server_url\":\"" + URL + "\",";
        assertEquals("'grant_type' must be refresh_token or client_credentials",
                refused(head + "\"grant_type\":\"password\"}").getMessage());
        assertEquals("'grant_type' must be refresh_token or client_credentials",
                refused(head + "\"grant_type\":\"CLIENT_CREDENTIALS\"}").getMessage());
        assertEquals("'grant_type' must be a string", refused(head + "\"grant_type\":1}").getMessage());
        assertEquals("'token_endpoint_auth_method' private_key_jwt needs 'client_key'",
                refused(head + "\"token_endpoint_auth_method\":\"private_key_jwt\"}").getMessage());
        assertTrue(refused(head + "\"token_endpoint_auth_method\":\"tls_client_auth\"}").getMessage()
                .contains("private_key_jwt"));
        assertEquals("'client_key': a client key needs its file",
                refused(head + "\"client_key\":{\"kid\":\"k\"}}").getMessage());
        assertEquals("'client_key': a client key needs its file",
                refused(head + "\"client_key\":{\"file\":\" \"}}").getMessage());
        for (String alg : new String[] {"HS256", "none", "ES384", "rs256"}) {
            assertEquals("'client_key': the signing algorithm must be RS256, PS256 or ES256",
                    refused(head + "\"client_key\":{\"file\":\"/k.pem\",\"alg\":\"" + alg + "\"}}").getMessage(), alg);
        }
        assertEquals("'client_key' must be an object", refused(head + "\"client_key\":\"/k.pem\"}").getMessage());
        assertEquals("'file' must be a string", refused(head + "\"client_key\":{\"file\":7}}").getMessage());
        for (String alg : ClientKey.ALGORITHMS) {
            TokenRecord ok = TokenRecord.fromJson("e1", json(head + "\"client_key\":{\"file\":\"/k.pem\",\"alg\":\""
                    + alg + "\"}}"));
            assertEquals(alg, ok.clientKey().algorithm());
        }
    }

    @Test
    void toStringShowsNeitherTheKeyNorAnySecret() {
        TokenRecord r = serviceAccount().toBuilder().clientSecret("cs-SECRET").refreshToken("rt-SECRET").build();
        String shown = r.toString();
        assertTrue(shown.contains(URL), shown);
        assertFalse(shown.contains("SECRET"), shown);
        assertFalse(shown.contains("KEYPATH") || shown.contains("kid-1"), "not even where the key lives: " + shown);
    }

    @Test
    void aServiceAccountSurvivesTheFileStore() throws Exception {
        FileTokenStore store = new FileTokenStore(dir.resolve("tokens.json"), Duration.ofSeconds(5));
        TokenRecord r = serviceAccount();
        TokenRecord user = TokenRecord.builder(URL).subject("alice").clientId("c").refreshToken("rt-a").build();
        store.update(c -> {
            c.put(r);
            c.put(user);
            return null;
        });
        StoreContents read = new FileTokenStore(dir.resolve("tokens.json"), Duration.ofSeconds(5)).read();
        TokenRecord back = read.get(r.id());
        assertEquals(r.toJson(), back.toJson());
        assertTrue(back.clientCredentials());
        assertEquals(r.clientKey(), back.clientKey());
        assertEquals(TokenRecord.AUTH_PRIVATE_KEY_JWT, back.authMethod());
        assertFalse(read.get(user.id()).clientCredentials());
        assertNull(read.get(user.id()).clientKey());

        // Rewritten by an update of another entry: unchanged.
        store.update(c -> {
            c.put(c.get(user.id()).toBuilder().accessToken("at-a").build());
            return null;
        });
        assertEquals(r.toJson(), store.read().get(r.id()).toJson());
        String text = Files.readString(store.path());
        assertTrue(text.contains("\"grant_type\" : \"client_credentials\""), "the grant is stored by name");
        assertEquals(1, text.split("grant_type", -1).length - 1, "only the service account's entry names a grant type");
    }

    @Test
    void aClientKeyNeedsAFileAndAKnownAlgorithm() {
        assertThrows(IllegalArgumentException.class, () -> new ClientKey(null, null, null, null));
        assertThrows(IllegalArgumentException.class, () -> new ClientKey("", null, null, null));
        assertThrows(IllegalArgumentException.class, () -> new ClientKey("/k.pem", null, "HS256", null));
        assertEquals(new ClientKey("/k.pem", "a", "ES256", "b"), new ClientKey("/k.pem", "a", "ES256", "b"));
        assertFalse(new ClientKey("/k.pem", "a", "ES256", "b").equals(new ClientKey("/k.pem", "a", "ES256", null)));
    }
}
