package dev.mcprefresh.core.store;

import dev.mcprefresh.core.json.Json;
import dev.mcprefresh.core.json.JsonException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One MCP server's credentials as stored: the client registration, the tokens and their expiry.
 * Immutable; every change makes a new record. Fields this version does not know are carried along untouched.
 */
public final class TokenRecord {
    public static final String AUTH_NONE = "none";
    public static final String AUTH_BASIC = "client_secret_basic";
    public static final String AUTH_POST = "client_secret_post";

    private static final Set<String> KNOWN = Set.of("token_endpoint", "client_id", "client_secret",
            "token_endpoint_auth_method", "resource", "scope", "access_token", "expires_at", "refresh_token",
            "refresh_expires_at", "needs_login", "needs_login_reason", "updated_at");

    private final String serverUrl;
    private final String tokenEndpoint;
    private final String clientId;
    private final String clientSecret;
    private final String authMethod;
    private final String resource;
    private final String scope;
    private final String accessToken;
    private final Instant expiresAt;
    private final String refreshToken;
    private final Instant refreshExpiresAt;
    private final boolean needsLogin;
    private final String needsLoginReason;
    private final Instant updatedAt;
    private final Map<String, Object> unknown;

    private TokenRecord(Builder b) {
        this.serverUrl = Objects.requireNonNull(b.serverUrl, "serverUrl");
        this.tokenEndpoint = b.tokenEndpoint;
        this.clientId = b.clientId;
        this.clientSecret = b.clientSecret;
        this.authMethod = b.authMethod != null ? b.authMethod : (b.clientSecret != null ? AUTH_BASIC : AUTH_NONE);
        this.resource = b.resource;
        this.scope = b.scope;
        this.accessToken = b.accessToken;
        this.expiresAt = b.expiresAt;
        this.refreshToken = b.refreshToken;
        this.refreshExpiresAt = b.refreshExpiresAt;
        this.needsLogin = b.needsLogin;
        this.needsLoginReason = b.needsLoginReason;
        this.updatedAt = b.updatedAt;
        this.unknown = b.unknown;
    }

    public static Builder builder(String serverUrl) {
        Builder b = new Builder();
        b.serverUrl = serverUrl;
        return b;
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.serverUrl = serverUrl;
        b.tokenEndpoint = tokenEndpoint;
        b.clientId = clientId;
        b.clientSecret = clientSecret;
        b.authMethod = authMethod;
        b.resource = resource;
        b.scope = scope;
        b.accessToken = accessToken;
        b.expiresAt = expiresAt;
        b.refreshToken = refreshToken;
        b.refreshExpiresAt = refreshExpiresAt;
        b.needsLogin = needsLogin;
        b.needsLoginReason = needsLoginReason;
        b.updatedAt = updatedAt;
        b.unknown = unknown;
        return b;
    }

    static TokenRecord fromJson(String serverUrl, Map<String, Object> o) {
        Builder b = builder(serverUrl);
        b.tokenEndpoint = Json.string(o, "token_endpoint");
        b.clientId = Json.string(o, "client_id");
        b.clientSecret = Json.string(o, "client_secret");
        b.authMethod = Json.string(o, "token_endpoint_auth_method");
        if (b.authMethod != null && !Set.of(AUTH_NONE, AUTH_BASIC, AUTH_POST).contains(b.authMethod)) {
            throw new JsonException("'token_endpoint_auth_method' must be none, client_secret_basic or client_secret_post");
        }
        b.resource = Json.string(o, "resource");
        b.scope = Json.string(o, "scope");
        b.accessToken = Json.string(o, "access_token");
        b.expiresAt = instant(o, "expires_at");
        b.refreshToken = Json.string(o, "refresh_token");
        b.refreshExpiresAt = instant(o, "refresh_expires_at");
        b.needsLogin = Json.bool(o, "needs_login");
        b.needsLoginReason = Json.string(o, "needs_login_reason");
        b.updatedAt = instant(o, "updated_at");
        Map<String, Object> extra = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : o.entrySet()) {
            if (!KNOWN.contains(e.getKey())) {
                extra.put(e.getKey(), e.getValue());
            }
        }
        b.unknown = extra.isEmpty() ? Collections.emptyMap() : Collections.unmodifiableMap(extra);
        return b.build();
    }

    private static Instant instant(Map<String, Object> o, String name) {
        String v = Json.string(o, name);
        if (v == null) {
            return null;
        }
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw new JsonException("'" + name + "' must be an ISO-8601 instant such as 2026-01-31T12:00:00Z");
        }
    }

    Map<String, Object> toJson() {
        Map<String, Object> o = new LinkedHashMap<>();
        putIfSet(o, "token_endpoint", tokenEndpoint);
        putIfSet(o, "client_id", clientId);
        putIfSet(o, "client_secret", clientSecret);
        o.put("token_endpoint_auth_method", authMethod);
        putIfSet(o, "resource", resource);
        putIfSet(o, "scope", scope);
        putIfSet(o, "access_token", accessToken);
        putIfSet(o, "expires_at", expiresAt == null ? null : expiresAt.toString());
        putIfSet(o, "refresh_token", refreshToken);
        putIfSet(o, "refresh_expires_at", refreshExpiresAt == null ? null : refreshExpiresAt.toString());
        o.put("needs_login", needsLogin);
        putIfSet(o, "needs_login_reason", needsLoginReason);
        putIfSet(o, "updated_at", updatedAt == null ? null : updatedAt.toString());
        o.putAll(unknown);
        return o;
    }

    private static void putIfSet(Map<String, Object> o, String k, Object v) {
        if (v != null) {
            o.put(k, v);
        }
    }

    public String serverUrl() { return serverUrl; }
    public String tokenEndpoint() { return tokenEndpoint; }
    public String clientId() { return clientId; }
    public String clientSecret() { return clientSecret; }
    public String authMethod() { return authMethod; }
    public String resource() { return resource; }
    public String scope() { return scope; }
    public String accessToken() { return accessToken; }
    /** Absolute expiry of the access token; null when unknown (then refresh happens on 401 only). */
    public Instant expiresAt() { return expiresAt; }
    public String refreshToken() { return refreshToken; }
    public Instant refreshExpiresAt() { return refreshExpiresAt; }
    public boolean needsLogin() { return needsLogin; }
    public String needsLoginReason() { return needsLoginReason; }
    public Instant updatedAt() { return updatedAt; }
    public Map<String, Object> unknownFields() { return unknown; }

    /** Same access token and refresh token: nothing changed that matters to a sender. */
    public boolean sameTokens(TokenRecord other) {
        return other != null && Objects.equals(accessToken, other.accessToken)
                && Objects.equals(refreshToken, other.refreshToken);
    }

    @Override
    public String toString() {
        // Never the tokens or the secret.
        return "TokenRecord[" + serverUrl + ", expiresAt=" + expiresAt + ", refreshToken="
                + (refreshToken != null ? "present" : "absent") + ", needsLogin=" + needsLogin + "]";
    }

    /** Mutable builder; the only way to make a record. */
    public static final class Builder {
        private String serverUrl;
        private String tokenEndpoint;
        private String clientId;
        private String clientSecret;
        private String authMethod;
        private String resource;
        private String scope;
        private String accessToken;
        private Instant expiresAt;
        private String refreshToken;
        private Instant refreshExpiresAt;
        private boolean needsLogin;
        private String needsLoginReason;
        private Instant updatedAt;
        private Map<String, Object> unknown = Collections.emptyMap();

        public Builder tokenEndpoint(String v) { tokenEndpoint = v; return this; }
        public Builder clientId(String v) { clientId = v; return this; }
        public Builder clientSecret(String v) { clientSecret = v; return this; }
        public Builder authMethod(String v) { authMethod = v; return this; }
        public Builder resource(String v) { resource = v; return this; }
        public Builder scope(String v) { scope = v; return this; }
        public Builder accessToken(String v) { accessToken = v; return this; }
        public Builder expiresAt(Instant v) { expiresAt = v; return this; }
        public Builder refreshToken(String v) { refreshToken = v; return this; }
        public Builder refreshExpiresAt(Instant v) { refreshExpiresAt = v; return this; }
        public Builder needsLogin(boolean v, String reason) { needsLogin = v; needsLoginReason = v ? reason : null; return this; }
        public Builder updatedAt(Instant v) { updatedAt = v; return this; }

        public TokenRecord build() {
            return new TokenRecord(this);
        }
    }
}
