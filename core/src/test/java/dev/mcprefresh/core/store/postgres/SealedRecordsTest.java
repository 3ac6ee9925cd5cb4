package dev.mcprefresh.core.store.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcprefresh.core.json.Json;
import dev.mcprefresh.core.store.ClientKey;
import dev.mcprefresh.core.store.StoreException;
import dev.mcprefresh.core.store.TokenRecord;
import dev.mcprefresh.core.store.crypto.FieldCipher;
import dev.mcprefresh.core.store.crypto.StoreKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A service account signing with a private key has no secret in its row, yet its token endpoint and key file decide
 * where an assertion goes: with encryption on, its row is sealed as a whole, and a row that is not is refused.
 */
class SealedRecordsTest {
    @TempDir
    Path dir;

    private SealedRecords sealed() throws Exception {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Path file = dir.resolve("store.key");
        Files.writeString(file, Base64.getEncoder().encodeToString(key) + "\n");
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        return new SealedRecords(new FieldCipher(StoreKeys.read(file)), false, "postgresql://db/mcp");
    }

    private static TokenRecord keyedServiceAccount() {
        return TokenRecord.builder("https://mcp.example/mcp").clientId("svc").tokenEndpoint("https://as.example/token")
                .grantType(TokenRecord.GRANT_CLIENT_CREDENTIALS)
                .clientKey(new ClientKey("/run/secrets/svc.pem", "k1", "ES256", null)).build();
    }

    private static Map<String, Object> json(String text) {
        return Json.parseObject(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(Map<String, Object> json) {
        return new String(Json.write(json), StandardCharsets.UTF_8);
    }

    @Test
    void aRowWithoutSecretsIsSealedAsAWholeAndOpens() throws Exception {
        SealedRecords s = sealed();
        TokenRecord r = keyedServiceAccount();
        String row = s.encode(r);
        assertTrue(json(row).containsKey(SealedRecords.ROW_SEAL), row);
        assertEquals(r.toJson(), s.decode(r.id(), row, false).toJson());
    }

    @Test
    void aChangedTokenEndpointOrKeyFileDoesNotOpen() throws Exception {
        SealedRecords s = sealed();
        TokenRecord r = keyedServiceAccount();
        Map<String, Object> row = json(s.encode(r));
        row.put("token_endpoint", "https://evil.example/token");
        assertThrows(StoreException.class, () -> s.decode(r.id(), text(row), false));
        Map<String, Object> other = json(s.encode(r));
        other.put("client_key", Map.of("file", "/etc/other.pem"));
        assertThrows(StoreException.class, () -> s.decode(r.id(), text(other), false));
    }

    @Test
    void aSealedRowStrippedOfItsSealsDoesNotOpen() throws Exception {
        SealedRecords s = sealed();
        TokenRecord r = keyedServiceAccount().toBuilder().accessToken("at").build();
        Map<String, Object> row = json(s.encode(r));
        row.remove("access_token"); // the only sealed value gone: nothing vouches for the row any more
        StoreException e = assertThrows(StoreException.class, () -> s.decode(r.id(), text(row), false));
        assertTrue(e.getMessage().contains("nothing in it opens"), e.getMessage());
    }

    @Test
    void aRowInClearNamingAKeyIsRefusedWhileEncryptionIsOn() throws Exception {
        SealedRecords s = sealed();
        TokenRecord r = keyedServiceAccount();
        StoreException e = assertThrows(StoreException.class, () -> s.decode(r.id(), text(r.toJson()), false));
        assertTrue(e.getMessage().contains("in clear"), e.getMessage());
    }
}
