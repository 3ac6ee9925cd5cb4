package dev.mcprefresh.core.oauth;

import dev.mcprefresh.core.json.Json;
import dev.mcprefresh.core.json.JsonException;
import dev.mcprefresh.core.log.ServerText;
import dev.mcprefresh.core.store.Identity;
import dev.mcprefresh.core.store.TokenRecord;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/** A successful token-endpoint response (RFC 6749 section 5.1), validated. */
public final class TokenResponse {
    /** Longer than any sane access token; a bigger expires_in is treated as unknown. */
    private static final long MAX_EXPIRES_IN = 366L * 24 * 3600;
    /** A refresh token that claims to outlive this is treated as having no stated end. */
    private static final long MAX_REFRESH_EXPIRES_IN = 100L * 366 * 24 * 3600;

    private final String accessToken;
    private final String refreshToken;
    private final String scope;
    private final Instant expiresAt;
    private final Long refreshExpiresIn;
    private final Identity identity;
    private final String note;

    private TokenResponse(String accessToken, String refreshToken, String scope, Instant expiresAt, Long refreshExpiresIn,
            Identity identity, String note) {
        this.accessToken = accessToken;
        this.refreshToken = refreshToken;
        this.scope = scope;
        this.expiresAt = expiresAt;
        this.refreshExpiresIn = refreshExpiresIn;
        this.identity = identity;
        this.note = note;
    }

    /**
     * Parses and validates the body. {@code sentAt}, the instant the request left, anchors expires_in: the server
     * issued the token after that. Servers count expiry in whole seconds (a token issued at 10.9 s with a 3 s life
     * dies at 13 s), so up to a second, never more than a quarter of the life, is taken off.
     * <p>
     * Only an unusable access token rejects the response. Once the server has answered 200 it may have rotated the
     * refresh token, so a broken optional member (expires_in, scope, refresh_expires_in) is dropped with a
     * {@link #note()} rather than throwing the new tokens away.
     */
    public static TokenResponse parse(byte[] body, Instant sentAt) {
        Map<String, Object> o = Json.parseObject(body);
        Object accessToken = o.get("access_token");
        if (!(accessToken instanceof String) || ((String) accessToken).isEmpty()) {
            throw new JsonException("the token response has no access_token");
        }
        if (!headerSafe((String) accessToken)) {
            throw new JsonException("the token response's access_token has characters an HTTP header cannot carry");
        }
        Object type = o.get("token_type");
        if (type != null && !(type instanceof String && ((String) type).toLowerCase(Locale.ROOT).equals("bearer"))) {
            throw new JsonException("the token response has token_type '" + ServerText.safe(String.valueOf(type))
                    + "'; only Bearer is supported");
        }
        StringBuilder notes = new StringBuilder();
        Long expiresIn = optionalNumber(o, "expires_in", notes);
        Instant expiresAt;
        if (expiresIn == null || expiresIn < 0 || expiresIn > MAX_EXPIRES_IN) {
            if (expiresIn != null) {
                note(notes, "expires_in " + expiresIn + " is not a usable lifetime");
            }
            expiresAt = JwtExpiry.of((String) accessToken); // null: unknown, refresh on 401 only
        } else {
            long lifeMillis = expiresIn * 1000; // expires_in 0 means already expired
            expiresAt = sentAt.plusMillis(lifeMillis - Math.min(1000, lifeMillis / 4));
            Instant jwtExp = JwtExpiry.of((String) accessToken);
            if (jwtExp != null && jwtExp.isBefore(expiresAt) && jwtExp.isAfter(sentAt)) {
                expiresAt = jwtExp; // a JWT states its exact end: trust the earlier of the two
            }
        }
        String refresh = refreshTokenOf(o);
        if (refresh == null && o.get("refresh_token") != null && !"".equals(o.get("refresh_token"))) {
            note(notes, "its refresh_token is unusable, so the stored one is kept");
        }
        // Non-standard but common (Keycloak, some gateways): lets status show the refresh token's life.
        Long refreshExpiresIn = optionalNumber(o, "refresh_expires_in", notes);
        if (refreshExpiresIn != null && (refreshExpiresIn < 0 || refreshExpiresIn > MAX_REFRESH_EXPIRES_IN)) {
            note(notes, "refresh_expires_in " + refreshExpiresIn + " is not a usable lifetime");
            refreshExpiresIn = null;
        } else if (refreshExpiresIn != null && refreshExpiresIn == 0) {
            refreshExpiresIn = null; // Keycloak's "no stated end"
        }
        Object scope = o.get("scope");
        if (scope != null && !(scope instanceof String)) {
            note(notes, "scope is not a string");
            scope = null;
        }
        return new TokenResponse((String) accessToken, refresh, (String) scope, expiresAt, refreshExpiresIn,
                identityOf(o.get("id_token"), (String) accessToken), notes.length() == 0 ? null : notes.toString());
    }

    /**
     * Whose tokens these are: the ID token's issuer and subject (OpenID Connect), else a JWT access token's; unknown
     * when neither says. Both came straight from the token endpoint, so TLS vouches for them (OIDC Core 3.1.3.7).
     */
    private static Identity identityOf(Object idToken, String accessToken) {
        Map<String, Object> claims = idToken instanceof String ? JwtClaims.of((String) idToken) : null;
        if (JwtClaims.string(claims, "sub") == null) {
            claims = JwtClaims.of(accessToken);
        }
        String subject = JwtClaims.string(claims, "sub");
        if (subject == null) {
            return Identity.UNKNOWN;
        }
        String name = JwtClaims.string(claims, "preferred_username");
        if (name == null) {
            name = JwtClaims.string(claims, "email");
        }
        return new Identity(JwtClaims.string(claims, "iss"), subject, name); // as sent: compared exactly, shown safely
    }

    /**
     * A well-formed refresh_token in a body, or null: used to keep a rotated refresh token even from a response
     * whose access token is unusable, since the server may already have retired the old one.
     */
    public static String refreshTokenOf(Map<String, Object> body) {
        Object v = body.get("refresh_token");
        return v instanceof String && !((String) v).isEmpty() && headerSafe((String) v) ? (String) v : null;
    }

    /** Visible ASCII only (RFC 6750 b64token is a subset): anything else would break or inject into a header. */
    static boolean headerSafe(String token) {
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c < 0x21 || c > 0x7E) {
                return false;
            }
        }
        return true;
    }

    private static Long optionalNumber(Map<String, Object> o, String name, StringBuilder notes) {
        try {
            return Json.number(o, name);
        } catch (JsonException e) {
            note(notes, name + " is not a number");
            return null;
        }
    }

    private static void note(StringBuilder notes, String text) {
        notes.append(notes.length() == 0 ? "" : "; ").append(text);
    }

    public String accessToken() { return accessToken; }
    /** Null when the server did not send one (then the old one is kept). */
    public String refreshToken() { return refreshToken; }
    public String scope() { return scope; }
    public Instant expiresAt() { return expiresAt; }
    public Long refreshExpiresIn() { return refreshExpiresIn; }
    /** Whose tokens these are, as far as the response tells (never null; {@link Identity#UNKNOWN} if it does not). */
    public Identity identity() { return identity; }
    /** What was wrong with the optional members and was dropped (no token material), or null. */
    public String note() { return note; }

    /**
     * {@code old} with this response's tokens, obtained at {@code at}: the refresh token and scope are replaced only
     * when the response carries them (a server that does not rotate keeps the old refresh token valid).
     */
    public TokenRecord applyTo(TokenRecord old, Instant at) {
        TokenRecord.Builder b = old.toBuilder().issuedAccessToken(accessToken).expiresAt(expiresAt).updatedAt(at)
                .needsLogin(false, null);
        if (old.subject() == null && identity.subject() != null) {
            // Learned now; the entry keeps its id. An issuer from the server's metadata stays the one stored.
            b.subject(identity.subject()).displayName(identity.displayName());
            if (old.issuer() == null) {
                b.issuer(identity.issuer());
            }
        }
        if (refreshToken != null && !old.clientCredentials()) {
            b.refreshToken(refreshToken); // a service account mints again: a refresh token would be a secret kept idle
        }
        if (old.clientCredentials()) {
            b.refreshExpiresAt(null);
        } else if (refreshExpiresIn != null) {
            b.refreshExpiresAt(at.plusSeconds(refreshExpiresIn)); // also when the same token's idle window slid
        } else if (refreshToken != null) {
            b.refreshExpiresAt(null); // a new token whose end the server did not state
        }
        if (scope != null && !old.clientCredentials()) {
            b.scope(scope); // a service account's stored scope is what each mint asks for: the answer may not narrow it
        }
        return b.build();
    }
}
