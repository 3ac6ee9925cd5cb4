package dev.mcprefresh.core.store;

import dev.mcprefresh.core.json.Json;
import dev.mcprefresh.core.json.JsonException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Where a client's private key for {@code private_key_jwt} (RFC 7523) lives, and how its assertions are made: the
 * store keeps the key file's path, never its bytes, so a key rotated on disk is used from the next token request on.
 */
public final class ClientKey {
    public static final Set<String> ALGORITHMS = Set.of("RS256", "PS256", "ES256");

    private final String file;
    private final String keyId;
    private final String algorithm;
    private final String audience;

    /**
     * {@code algorithm} null: by the key's type (RS256 for RSA, ES256 for EC); {@code audience} null: the token
     * endpoint (OpenID Connect Core 9), else the URL the server wants instead, such as its issuer.
     */
    public ClientKey(String file, String keyId, String algorithm, String audience) {
        if (file == null || file.isBlank()) {
            throw new IllegalArgumentException("a client key needs its file");
        }
        if (algorithm != null && !ALGORITHMS.contains(algorithm)) {
            throw new IllegalArgumentException("the signing algorithm must be RS256, PS256 or ES256");
        }
        this.file = file;
        this.keyId = keyId;
        this.algorithm = algorithm;
        this.audience = audience;
    }

    public String file() { return file; }
    public String keyId() { return keyId; }
    public String algorithm() { return algorithm; }
    public String audience() { return audience; }

    static ClientKey fromJson(Map<String, Object> o) {
        try {
            return new ClientKey(Json.string(o, "file"), Json.string(o, "kid"), Json.string(o, "alg"),
                    Json.string(o, "aud"));
        } catch (IllegalArgumentException e) {
            throw new JsonException("'client_key': " + e.getMessage());
        }
    }

    Map<String, Object> toJson() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("file", file);
        if (keyId != null) {
            o.put("kid", keyId);
        }
        if (algorithm != null) {
            o.put("alg", algorithm);
        }
        if (audience != null) {
            o.put("aud", audience);
        }
        return o;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ClientKey && file.equals(((ClientKey) other).file)
                && Objects.equals(keyId, ((ClientKey) other).keyId)
                && Objects.equals(algorithm, ((ClientKey) other).algorithm)
                && Objects.equals(audience, ((ClientKey) other).audience);
    }

    @Override
    public int hashCode() {
        return file.hashCode();
    }

    @Override
    public String toString() {
        return file + (keyId != null ? " (kid " + keyId + ")" : "") + (algorithm != null ? " " + algorithm : "");
    }
}
