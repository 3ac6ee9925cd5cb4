package dev.mcprefresh.core.store.postgres;

import dev.mcprefresh.core.config.Setting;
import dev.mcprefresh.core.json.Json;
import dev.mcprefresh.core.json.JsonException;
import dev.mcprefresh.core.log.Log;
import dev.mcprefresh.core.store.StoreException;
import dev.mcprefresh.core.store.TokenRecord;
import dev.mcprefresh.core.store.crypto.FieldCipher;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * An entry as a row's {@code record} text: the file store's JSON with the access token, refresh token and client
 * secret sealed (AES-256-GCM, bound to the entry id and the field, so no value can be moved to another row or field).
 * A row written with encryption off is read as it is; with a key, the next write seals it.
 */
final class SealedRecords {
    static final String[] SECRET_FIELDS = {"access_token", "refresh_token", "client_secret"};
    /** Marks a sealed record; its value names the scheme. */
    static final String SEALED = "sealed";
    private static volatile boolean warnedClear;

    private final FieldCipher cipher;
    private final boolean encryptionOff;
    private final String location;

    /** {@code cipher} null: no key file; with encryption off, a key only opens rows sealed before. */
    SealedRecords(FieldCipher cipher, boolean encryptionOff, String location) {
        this.cipher = cipher;
        this.encryptionOff = encryptionOff;
        this.location = location;
    }

    /** Throws when secrets may not be written: no key, and encryption not turned off. */
    void checkWritable() {
        if (cipher == null && !encryptionOff) {
            throw new StoreException("the token store " + location + " has no key to encrypt secrets with, so nothing"
                    + " was written: set " + Setting.STORE_KEY_FILE.key() + " (MCP_REFRESH_STORE_KEY_FILE) to a file"
                    + " made by: openssl rand -base64 32 (or, to store secrets in clear, "
                    + Setting.STORE_ENCRYPTION.key() + "=none)");
        }
    }

    String encode(TokenRecord r) {
        checkWritable();
        Map<String, Object> json = r.toJson();
        if (cipher != null && !encryptionOff) {
            for (String field : SECRET_FIELDS) {
                Object v = json.get(field);
                if (v instanceof String) {
                    json.put(field, cipher.seal((String) v, associated(r.id(), field)));
                }
            }
            json.put(SEALED, PostgresConfig.ENCRYPTION_GCM);
        } else if (!warnedClear) {
            warnedClear = true;
            Log.warn("the token store " + location + " stores tokens in clear (" + Setting.STORE_ENCRYPTION.key()
                    + "=none): anyone who can read the table or a backup of it can use them");
        }
        return new String(Json.write(json), StandardCharsets.UTF_8);
    }

    TokenRecord decode(String id, String text) {
        Map<String, Object> json;
        try {
            json = Json.parseObject(text.getBytes(StandardCharsets.UTF_8));
        } catch (JsonException e) {
            throw new StoreException("the entry " + id + " of the token store " + location + " is not valid: "
                    + e.getMessage() + "; it was left as it is");
        }
        Object scheme = json.remove(SEALED);
        if (scheme != null) {
            if (!PostgresConfig.ENCRYPTION_GCM.equals(scheme)) {
                throw new StoreException("the entry " + id + " of the token store " + location + " is sealed with '"
                        + scheme + "', which this mcp-refresh does not know; it was left as it is");
            }
            if (cipher == null) {
                throw new StoreException("the entry " + id + " of the token store " + location + " is encrypted and"
                        + " no key file is set (" + Setting.STORE_KEY_FILE.key() + "); it was left as it is");
            }
            for (String field : SECRET_FIELDS) {
                Object v = json.get(field);
                if (v instanceof String) {
                    try {
                        json.put(field, cipher.open((String) v, associated(id, field)));
                    } catch (StoreException e) {
                        throw new StoreException("the " + field + " of entry " + id + " of the token store " + location
                                + " " + e.getMessage() + "; it was left as it is");
                    }
                }
            }
        }
        try {
            return TokenRecord.fromJson(id, json);
        } catch (JsonException e) {
            throw new StoreException("the entry " + id + " of the token store " + location + " is not valid: "
                    + e.getMessage() + "; it was left as it is");
        }
    }

    /** Whether the row's text still needs sealing or resealing under the current key (after a key rotation). */
    boolean wantsRewrite(String text) {
        if (cipher == null || encryptionOff) {
            return false;
        }
        Map<String, Object> json = Json.parseObject(text.getBytes(StandardCharsets.UTF_8));
        if (json.get(SEALED) == null) {
            return true;
        }
        for (String field : SECRET_FIELDS) {
            Object v = json.get(field);
            if (v instanceof String && !cipher.sealedWithCurrentKey((String) v)) {
                return true;
            }
        }
        return false;
    }

    private static String associated(String id, String field) {
        return "mcp-refresh entry " + id + " " + field;
    }

    /** For status: how this store protects secrets. */
    String protection() {
        if (cipher != null && !encryptionOff) {
            return "AES-256-GCM, key " + cipher.currentKeyId();
        }
        return encryptionOff ? "none: secrets in clear (" + Setting.STORE_ENCRYPTION.key() + "=none)"
                : "no key file: entries cannot be written";
    }
}
