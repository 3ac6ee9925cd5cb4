package dev.mcprefresh.core.oauth;

import dev.mcprefresh.core.json.Json;
import dev.mcprefresh.core.json.JsonException;
import dev.mcprefresh.core.store.TokenRecord;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/** A successful token-endpoint response (RFC 6749 section 5.1), validated. */
public final class TokenResponse {
    /** Longer than any sane access token; a bigger expires_in is treated as unknown. */
    private static final long MAX_EXPIRES_IN = 366L * 24 * 3600;

    private final String accessToken;
    private final String refreshToken;
    private final String scope;
    private final Instant expiresAt;
    private final Long refreshExpiresIn;

    private TokenResponse(String accessToken, String refreshToken, String scope, Instant expiresAt, Long refreshExpiresIn) {
        this.accessToken = accessToken;
        this.refreshToken = refreshToken;
        this.scope = scope;
        this.expiresAt = expiresAt;
        this.refreshExpiresIn = refreshExpiresIn;
    }

    /**
     * Parses and validates the body. {@code sentAt}, the instant the request left, anchors expires_in: the server
     * issued the token after that. Servers count expiry in whole seconds (a token issued at 10.9 s with a 3 s life
     * dies at 13 s), so up to a second, never more than a quarter of the life, is taken off.
     */
    public static TokenResponse parse(byte[] body, Instant sentAt) {
        Map<String, Object> o = Json.parseObject(body);
        String accessToken = Json.string(o, "access_token");
        if (accessToken == null || accessToken.isEmpty()) {
            throw new JsonException("the token response has no access_token");
        }
        String type = Json.string(o, "token_type");
        if (type != null && !type.toLowerCase(Locale.ROOT).equals("bearer")) {
            throw new JsonException("the token response has token_type '" + type + "'; only Bearer is supported");
        }
        Long expiresIn = Json.number(o, "expires_in");
        Instant expiresAt;
        if (expiresIn == null || expiresIn < 0 || expiresIn > MAX_EXPIRES_IN) {
            expiresAt = JwtExpiry.of(accessToken); // null: unknown, refresh on 401 only
        } else {
            long lifeMillis = expiresIn * 1000; // expires_in 0 means already expired
            expiresAt = sentAt.plusMillis(lifeMillis - Math.min(1000, lifeMillis / 4));
            Instant jwtExp = JwtExpiry.of(accessToken);
            if (jwtExp != null && jwtExp.isBefore(expiresAt) && jwtExp.isAfter(sentAt)) {
                expiresAt = jwtExp; // a JWT states its exact end: trust the earlier of the two
            }
        }
        String refresh = Json.string(o, "refresh_token");
        if (refresh != null && refresh.isEmpty()) {
            refresh = null;
        }
        // Non-standard but common (Keycloak, some gateways): lets status show the refresh token's life.
        Long refreshExpiresIn = o.containsKey("refresh_expires_in") ? Json.number(o, "refresh_expires_in") : null;
        return new TokenResponse(accessToken, refresh, Json.string(o, "scope"), expiresAt, refreshExpiresIn);
    }

    public String accessToken() { return accessToken; }
    /** Null when the server did not send one (then the old one is kept). */
    public String refreshToken() { return refreshToken; }
    public String scope() { return scope; }
    public Instant expiresAt() { return expiresAt; }
    public Long refreshExpiresIn() { return refreshExpiresIn; }

    /**
     * {@code old} with this response's tokens, obtained at {@code at}: the refresh token and scope are replaced only
     * when the response carries them (a server that does not rotate keeps the old refresh token valid).
     */
    public TokenRecord applyTo(TokenRecord old, Instant at) {
        TokenRecord.Builder b = old.toBuilder().accessToken(accessToken).expiresAt(expiresAt).updatedAt(at)
                .needsLogin(false, null);
        if (refreshToken != null) {
            b.refreshToken(refreshToken);
            b.refreshExpiresAt(refreshExpiresIn != null && refreshExpiresIn > 0 ? at.plusSeconds(refreshExpiresIn) : null);
        }
        if (scope != null) {
            b.scope(scope);
        }
        return b.build();
    }
}
