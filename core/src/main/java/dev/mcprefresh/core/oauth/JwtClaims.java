package dev.mcprefresh.core.oauth;

import dev.mcprefresh.core.json.Json;
import java.util.Base64;
import java.util.Map;

/**
 * The payload of a compact JWT (JWS), read without checking the signature: used only as a hint (expiry) or to name
 * an identity the token endpoint itself handed over (OpenID Connect Core 3.1.3.7 lets a client rely on TLS for an ID
 * token it received directly from the token endpoint). Never used to grant anything on its own.
 */
public final class JwtClaims {
    /** A JWT longer than this is not one we read (a header value this large is noise). */
    private static final int MAX_LENGTH = 16 * 1024;

    private JwtClaims() {
    }

    /** The claims, or null when {@code token} is not a three-part JWT with a JSON object payload. */
    public static Map<String, Object> of(String token) {
        if (token == null || token.length() > MAX_LENGTH) {
            return null;
        }
        int first = token.indexOf('.');
        int second = first < 0 ? -1 : token.indexOf('.', first + 1);
        if (first <= 0 || second < 0 || token.indexOf('.', second + 1) >= 0) {
            return null;
        }
        try {
            return Json.parseObject(Base64.getUrlDecoder().decode(token.substring(first + 1, second)));
        } catch (RuntimeException e) {
            return null; // not a JWT after all
        }
    }

    /** A string claim, or null when absent, not a string, or empty. */
    public static String string(Map<String, Object> claims, String name) {
        Object v = claims == null ? null : claims.get(name);
        return v instanceof String && !((String) v).isEmpty() ? (String) v : null;
    }
}
