package dev.mcprefresh.core.oauth;

import dev.mcprefresh.core.json.Json;
import java.time.Instant;
import java.util.Map;

/** Reads {@code exp} from a JWT access token's payload when a server omits expires_in. No signature check: only a hint. */
public final class JwtExpiry {
    /** 9999-12-31T23:59:59Z: a later exp is noise, and would overflow millisecond arithmetic. */
    private static final long LAST_SECOND = 253_402_300_799L;

    private JwtExpiry() {
    }

    public static Instant of(String token) {
        Map<String, Object> claims = JwtClaims.of(token);
        if (claims == null) {
            return null;
        }
        try {
            Long exp = Json.number(claims, "exp");
            return exp == null || exp <= 0 || exp > LAST_SECOND ? null : Instant.ofEpochSecond(exp);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
