package dev.mcprefresh.core.store.postgres;

import dev.mcprefresh.core.config.Setting;
import dev.mcprefresh.core.json.Json;
import dev.mcprefresh.core.json.JsonException;
import dev.mcprefresh.core.log.Log;
import dev.mcprefresh.core.store.StoreException;
import dev.mcprefresh.core.store.TokenRecord;
import dev.mcprefresh.core.store.crypto.FieldCipher;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

/**
 * An entry as a row's {@code record} text: the file store's JSON with the access token, refresh token and client
 * secret sealed (AES-256-GCM). Each sealed value is bound to the entry id, its field, and a digest of every other
 * field of the record: a value moved to another row or field does not open, and neither does a row whose token
 * endpoint, client or server someone changed in the table (which would otherwise send the refresh token elsewhere).
 * With encryption on, a row in clear that holds a secret is refused (anyone who can write the table could have put it
 * there); {@code store rekey} seals rows written while encryption was off.
 */
final class SealedRecords {
    static final String[] SECRET_FIELDS = {"access_token", "refresh_token", "client_secret"};
    /** Marks a sealed record; its value names the scheme. */
    static final String SEALED = "sealed";
    /**
     * Seals nothing but the row's other fields, for a row without a secret (a service account signing with a private
     * key): its token endpoint and key file decide where an assertion goes, so they must be bound like any other row's.
     */
    static final String ROW_SEAL = "row_seal";
    private static volatile boolean warnedClear;
    private volatile boolean warm;

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

    /** Seals one value once, so a refresh's first write loads no cipher class after the server has answered. */
    void warmUp() {
        if (cipher != null && !encryptionOff && !warm) {
            cipher.seal("warm-up", "warm-up");
            boundTo(java.util.Map.of());
            warm = true;
        }
    }

    String encode(TokenRecord r) {
        checkWritable();
        Map<String, Object> json = r.toJson();
        if (cipher != null && !encryptionOff) {
            String bound = boundTo(json);
            boolean sealedOne = false;
            for (String field : SECRET_FIELDS) {
                Object v = json.get(field);
                if (v instanceof String) {
                    json.put(field, cipher.seal((String) v, associated(r.id(), field, bound)));
                    sealedOne = true;
                }
            }
            if (!sealedOne) {
                json.put(ROW_SEAL, cipher.seal(ROW_SEAL, associated(r.id(), ROW_SEAL, bound)));
            }
            json.put(SEALED, PostgresConfig.ENCRYPTION_GCM);
        } else if (!warnedClear) {
            warnedClear = true;
            Log.warn("the token store " + location + " stores tokens in clear (" + Setting.STORE_ENCRYPTION.key()
                    + "=none): anyone who can read the table or a backup of it can use them");
        }
        return new String(Json.write(json), StandardCharsets.UTF_8);
    }

    /** The entry a row holds; {@code acceptClear}: also a row in clear while encryption is on (rekey seals it). */
    TokenRecord decode(String id, String text, boolean acceptClear) {
        Map<String, Object> json;
        try {
            json = Json.parseObject(text.getBytes(StandardCharsets.UTF_8));
        } catch (JsonException e) {
            throw new StoreException("the entry " + id + " of the token store " + location + " is not valid: "
                    + e.getMessage() + "; it was left as it is");
        }
        Object scheme = json.remove(SEALED);
        if (scheme != null) {
            open(id, json, scheme);
        } else if (!encryptionOff && !acceptClear && holdsSecret(json)) {
            throw new StoreException("the entry " + id + " of the token store " + location + " holds secrets in clear"
                    + " while " + Setting.STORE_ENCRYPTION.key() + " is on; it was left as it is (written with"
                    + " encryption=none? seal it with: java -jar mcp-refresh.jar store rekey --store " + location + ")");
        }
        try {
            return TokenRecord.fromJson(id, json);
        } catch (JsonException e) {
            throw new StoreException("the entry " + id + " of the token store " + location + " is not valid: "
                    + e.getMessage() + "; it was left as it is");
        }
    }

    private void open(String id, Map<String, Object> json, Object scheme) {
        if (!PostgresConfig.ENCRYPTION_GCM.equals(scheme)) {
            throw new StoreException("the entry " + id + " of the token store " + location + " is sealed with '"
                    + scheme + "', which this mcp-refresh does not know; it was left as it is");
        }
        if (cipher == null) {
            throw new StoreException("the entry " + id + " of the token store " + location + " is encrypted and no"
                    + " key file is set (" + Setting.STORE_KEY_FILE.key() + "); it was left as it is");
        }
        Object rowSeal = json.remove(ROW_SEAL);
        String bound = boundTo(json);
        boolean openedOne = false;
        for (String field : SECRET_FIELDS) {
            Object v = json.get(field);
            if (v instanceof String) {
                try {
                    json.put(field, cipher.open((String) v, associated(id, field, bound)));
                    openedOne = true;
                } catch (StoreException e) {
                    throw new StoreException("the " + field + " of entry " + id + " of the token store " + location
                            + " " + e.getMessage() + " (or another field of the row was changed); it was left as it is");
                }
            }
        }
        if (!openedOne) {
            // Nothing sealed to vouch for the row (secrets removed from it?): only its own seal may.
            try {
                if (!(rowSeal instanceof String)) {
                    throw new StoreException("has no seal");
                }
                cipher.open((String) rowSeal, associated(id, ROW_SEAL, bound));
            } catch (StoreException e) {
                throw new StoreException("the entry " + id + " of the token store " + location + " is marked sealed but"
                        + " nothing in it opens with the key (its secrets removed, or a field changed); it was left as"
                        + " it is");
            }
        }
    }

    private static boolean holdsSecret(Map<String, Object> json) {
        if (json.get("client_key") != null) {
            return true; // where a private key signs for, and which key: as sensitive as a secret in a shared table
        }
        for (String field : SECRET_FIELDS) {
            if (json.get(field) != null) {
                return true;
            }
        }
        return false;
    }

    /** A digest of every field but the secrets, keys sorted: what each sealed value of the row is bound to. */
    private static String boundTo(Map<String, Object> json) {
        Map<String, Object> rest = new TreeMap<>(json);
        for (String field : SECRET_FIELDS) {
            rest.remove(field);
        }
        rest.remove(SEALED);
        rest.remove(ROW_SEAL);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(Json.write(rest));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every Java has SHA-256
        }
    }

    private static String associated(String id, String field, String bound) {
        return "mcp-refresh entry " + id + " " + field + " " + bound;
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
