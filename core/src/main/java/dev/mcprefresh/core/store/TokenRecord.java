package dev.mcprefresh.core.store;

import dev.mcprefresh.core.json.Json;
import dev.mcprefresh.core.json.JsonException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One store entry: an MCP server URL and an identity (issuer, subject) with that identity's client registration,
 * tokens and their expiry. Its {@link #id()} is fixed when the entry is created and never changes, even when the
 * subject is learned later. Immutable; every change makes a new record. Fields this version does not know are
 * carried along untouched.
 */
public final class TokenRecord {
    public static final String AUTH_NONE = "none";
    public static final String AUTH_BASIC = "client_secret_basic";
    public static final String AUTH_POST = "client_secret_post";
    /** RFC 7523 2.2: a JWT signed with the client's private key instead of a shared secret. */
    public static final String AUTH_PRIVATE_KEY_JWT = "private_key_jwt";
    public static final Set<String> AUTH_METHODS = Set.of(AUTH_NONE, AUTH_BASIC, AUTH_POST, AUTH_PRIVATE_KEY_JWT);
    /** A user's grant, kept alive with its refresh token (the default). */
    public static final String GRANT_REFRESH_TOKEN = "refresh_token";
    /** A service account: no refresh token; a new token is minted with the client's own credentials (RFC 6749 4.4). */
    public static final String GRANT_CLIENT_CREDENTIALS = "client_credentials";

    /** How many fingerprints of issued access tokens an entry keeps (an app may hold one from a while ago). */
    static final int ISSUED_KEPT = 16;
    /** Bounds that keep every instant and lifetime within millisecond arithmetic. */
    static final long MAX_IDLE_SECONDS = 100L * 366 * 24 * 3600;
    private static final Instant LAST_INSTANT = Instant.parse("9999-12-31T23:59:59Z");
    private static final Set<String> KNOWN = Set.of("server_url", "issuer", "subject", "display_name",
            "issued_tokens", "grant", "token_endpoint", "client_id", "client_secret",
            "token_endpoint_auth_method", "resource", "scope", "access_token", "expires_at", "refresh_token",
            "refresh_expires_at", "refresh_idle_seconds", "session_ends_at", "needs_login", "needs_login_reason", "updated_at",
            "grant_type", "client_key");

    private final String id;
    private final String serverUrl;
    private final String issuer;
    private final String subject;
    private final String displayName;
    private final List<String> issuedTokens;
    private final String grant;
    private final String tokenEndpoint;
    private final String clientId;
    private final String clientSecret;
    private final String authMethod;
    private final ClientKey clientKey;
    private final String grantType;
    private final String resource;
    private final String scope;
    private final String accessToken;
    private final Instant expiresAt;
    private final String refreshToken;
    private final Instant refreshExpiresAt;
    private final Long refreshIdleSeconds;
    private final Instant sessionEndsAt;
    private final boolean needsLogin;
    private final String needsLoginReason;
    private final Instant updatedAt;
    private final Map<String, Object> unknown;

    private TokenRecord(Builder b) {
        this.serverUrl = Objects.requireNonNull(b.serverUrl, "serverUrl");
        this.issuer = b.issuer;
        this.subject = b.subject;
        this.displayName = b.displayName;
        this.id = b.id != null ? b.id : TokenFingerprint.id(b.serverUrl, b.issuer, b.subject);
        this.issuedTokens = b.issuedTokens;
        this.grant = b.grant;
        this.tokenEndpoint = b.tokenEndpoint;
        this.clientId = b.clientId;
        this.clientSecret = b.clientSecret;
        this.authMethod = b.authMethod != null ? b.authMethod
                : b.clientKey != null ? AUTH_PRIVATE_KEY_JWT : b.clientSecret != null ? AUTH_BASIC : AUTH_NONE;
        this.clientKey = b.clientKey;
        this.grantType = b.grantType != null ? b.grantType : GRANT_REFRESH_TOKEN;
        this.resource = b.resource;
        this.scope = b.scope;
        this.accessToken = b.accessToken;
        this.expiresAt = b.expiresAt;
        this.refreshToken = b.refreshToken;
        this.refreshExpiresAt = b.refreshExpiresAt;
        this.refreshIdleSeconds = b.refreshIdleSeconds;
        this.sessionEndsAt = b.sessionEndsAt;
        // A service account never needs a login (it mints); a mark an older agent put on it is dropped.
        this.needsLogin = b.needsLogin && !this.grantType.equals(GRANT_CLIENT_CREDENTIALS);
        this.needsLoginReason = this.needsLogin ? b.needsLoginReason : null;
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
        b.id = id;
        b.serverUrl = serverUrl;
        b.issuer = issuer;
        b.subject = subject;
        b.displayName = displayName;
        b.issuedTokens = issuedTokens;
        b.grant = grant;
        b.tokenEndpoint = tokenEndpoint;
        b.clientId = clientId;
        b.clientSecret = clientSecret;
        b.authMethod = authMethod;
        b.clientKey = clientKey;
        b.grantType = grantType;
        b.resource = resource;
        b.scope = scope;
        b.accessToken = accessToken;
        b.expiresAt = expiresAt;
        b.refreshToken = refreshToken;
        b.refreshExpiresAt = refreshExpiresAt;
        b.refreshIdleSeconds = refreshIdleSeconds;
        b.sessionEndsAt = sessionEndsAt;
        b.needsLogin = needsLogin;
        b.needsLoginReason = needsLoginReason;
        b.updatedAt = updatedAt;
        b.unknown = unknown;
        return b;
    }

    /** A format 2 entry: its id is the key it is stored under, its server URL a member. */
    public static TokenRecord fromJson(String id, Map<String, Object> o) {
        String serverUrl = Json.string(o, "server_url");
        if (serverUrl == null) {
            throw new JsonException("entry '" + id + "' has no server_url");
        }
        Builder b = fill(builder(serverUrl), o);
        b.id = id;
        return b.build();
    }

    /**
     * A format 1 entry, keyed by server URL. Its identity is what its access token says when that is a JWT, else
     * unknown; its id is derived from the URL alone, so every process migrating the same file agrees on it.
     */
    static TokenRecord fromFormat1(String serverUrl, Map<String, Object> o) {
        Builder b = fill(builder(serverUrl), o);
        Map<String, Object> claims = dev.mcprefresh.core.oauth.JwtClaims.of(b.accessToken);
        b.issuer = dev.mcprefresh.core.oauth.JwtClaims.string(claims, "iss");
        b.subject = dev.mcprefresh.core.oauth.JwtClaims.string(claims, "sub");
        b.id = TokenFingerprint.id(serverUrl);
        if (b.accessToken != null) {
            b.issuedTokens = List.of(TokenFingerprint.of(b.accessToken));
        }
        return b.build();
    }

    private static Builder fill(Builder b, Map<String, Object> o) {
        b.issuer = Json.string(o, "issuer");
        b.subject = Json.string(o, "subject");
        b.displayName = Json.string(o, "display_name");
        b.grant = Json.string(o, "grant");
        List<Object> issued = Json.array(o, "issued_tokens");
        if (issued != null) {
            List<String> fingerprints = new ArrayList<>();
            for (Object f : issued) {
                if (!(f instanceof String)) {
                    throw new JsonException("'issued_tokens' must hold strings");
                }
                fingerprints.add((String) f);
            }
            b.issuedTokens = List.copyOf(fingerprints);
        }
        b.tokenEndpoint = Json.string(o, "token_endpoint");
        b.clientId = Json.string(o, "client_id");
        b.clientSecret = Json.string(o, "client_secret");
        b.authMethod = Json.string(o, "token_endpoint_auth_method");
        if (b.authMethod != null && !AUTH_METHODS.contains(b.authMethod)) {
            throw new JsonException("'token_endpoint_auth_method' must be none, client_secret_basic, client_secret_post"
                    + " or private_key_jwt");
        }
        Map<String, Object> key = Json.object(o, "client_key");
        b.clientKey = key == null ? null : ClientKey.fromJson(key);
        if (AUTH_PRIVATE_KEY_JWT.equals(b.authMethod) && b.clientKey == null) {
            throw new JsonException("'token_endpoint_auth_method' private_key_jwt needs 'client_key'");
        }
        b.grantType = Json.string(o, "grant_type");
        if (b.grantType != null && !Set.of(GRANT_REFRESH_TOKEN, GRANT_CLIENT_CREDENTIALS).contains(b.grantType)) {
            throw new JsonException("'grant_type' must be refresh_token or client_credentials");
        }
        b.resource = Json.string(o, "resource");
        b.scope = Json.string(o, "scope");
        b.accessToken = Json.string(o, "access_token");
        b.expiresAt = instant(o, "expires_at");
        b.refreshToken = Json.string(o, "refresh_token");
        b.refreshExpiresAt = instant(o, "refresh_expires_at");
        b.refreshIdleSeconds = Json.number(o, "refresh_idle_seconds");
        if (b.refreshIdleSeconds != null && (b.refreshIdleSeconds <= 0 || b.refreshIdleSeconds > MAX_IDLE_SECONDS)) {
            throw new JsonException("'refresh_idle_seconds' must be a positive number of seconds, at most 100 years");
        }
        b.sessionEndsAt = instant(o, "session_ends_at");
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
        return b;
    }

    private static Instant instant(Map<String, Object> o, String name) {
        String v = Json.string(o, name);
        if (v == null) {
            return null;
        }
        try {
            Instant at = Instant.parse(v);
            if (at.isAfter(LAST_INSTANT) || at.isBefore(Instant.EPOCH)) {
                throw new JsonException("'" + name + "' must be an instant between 1970 and 9999");
            }
            return at;
        } catch (DateTimeParseException e) {
            throw new JsonException("'" + name + "' must be an ISO-8601 instant such as 2026-01-31T12:00:00Z");
        }
    }

    /** The store's JSON form of this entry (format 2; secrets included: never logged). */
    public Map<String, Object> toJson() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("server_url", serverUrl);
        putIfSet(o, "issuer", issuer);
        putIfSet(o, "subject", subject);
        putIfSet(o, "display_name", displayName);
        putIfSet(o, "grant", grant);
        putIfSet(o, "token_endpoint", tokenEndpoint);
        putIfSet(o, "client_id", clientId);
        putIfSet(o, "client_secret", clientSecret);
        if (!authMethod.equals(AUTH_PRIVATE_KEY_JWT)) {
            // Left out for a key (client_key says it): an older agent reading the store would refuse the whole file
            // over an auth method it does not know.
            o.put("token_endpoint_auth_method", authMethod);
        }
        if (clientKey != null) {
            o.put("client_key", clientKey.toJson());
        }
        if (!grantType.equals(GRANT_REFRESH_TOKEN)) {
            o.put("grant_type", grantType); // absent for refresh grants: stores older agents read stay as they were
        }
        putIfSet(o, "resource", resource);
        putIfSet(o, "scope", scope);
        putIfSet(o, "access_token", accessToken);
        putIfSet(o, "expires_at", expiresAt == null ? null : expiresAt.toString());
        putIfSet(o, "refresh_token", refreshToken);
        putIfSet(o, "refresh_expires_at", refreshExpiresAt == null ? null : refreshExpiresAt.toString());
        putIfSet(o, "refresh_idle_seconds", refreshIdleSeconds);
        putIfSet(o, "session_ends_at", sessionEndsAt == null ? null : sessionEndsAt.toString());
        o.put("needs_login", needsLogin);
        putIfSet(o, "needs_login_reason", needsLoginReason);
        putIfSet(o, "updated_at", updatedAt == null ? null : updatedAt.toString());
        if (!issuedTokens.isEmpty()) {
            o.put("issued_tokens", new ArrayList<Object>(issuedTokens));
        }
        o.putAll(unknown);
        return o;
    }

    private static void putIfSet(Map<String, Object> o, String k, Object v) {
        if (v != null) {
            o.put(k, v);
        }
    }

    /** The entry's key in the store, fixed at creation. */
    public String id() { return id; }
    public String serverUrl() { return serverUrl; }
    public Identity identity() { return new Identity(issuer, subject, displayName); }
    public String issuer() { return issuer; }
    public String subject() { return subject; }
    /** Fingerprints ({@link TokenFingerprint}) of the access tokens this entry held, newest first. */
    public List<String> issuedTokens() { return issuedTokens; }
    /**
     * Which login or add made this entry's grant: a new one each time tokens come from a login rather than a refresh.
     * Null for entries older than this field.
     */
    public String grant() { return grant; }
    /** Whether {@code accessToken} is this entry's current token or one it held before. */
    public boolean issued(String accessToken, String fingerprint) {
        return accessToken.equals(this.accessToken) || issuedTokens.contains(fingerprint);
    }
    public String tokenEndpoint() { return tokenEndpoint; }
    public String clientId() { return clientId; }
    public String clientSecret() { return clientSecret; }
    public String authMethod() { return authMethod; }
    /** The private key for {@code private_key_jwt}, or null. */
    public ClientKey clientKey() { return clientKey; }
    /** {@link #GRANT_REFRESH_TOKEN} or {@link #GRANT_CLIENT_CREDENTIALS}. */
    public String grantType() { return grantType; }
    /** A service account's entry: its tokens are minted again with the client's credentials, not refreshed. */
    public boolean clientCredentials() { return grantType.equals(GRANT_CLIENT_CREDENTIALS); }
    public String resource() { return resource; }
    public String scope() { return scope; }
    public String accessToken() { return accessToken; }
    /** Absolute expiry of the access token; null when unknown (then refresh happens on 401 only). */
    public Instant expiresAt() { return expiresAt; }
    public String refreshToken() { return refreshToken; }
    /** When the current refresh token ends, as the server stated it (refresh_expires_in); null when unknown. */
    public Instant refreshExpiresAt() { return refreshExpiresAt; }
    /**
     * How long the server lets a refresh token sit unused (a sliding idle lifetime), as the user stored it
     * ({@code --refresh-idle}) or {@code doctor --live} measured it; null when unknown.
     */
    public Long refreshIdleSeconds() { return refreshIdleSeconds; }
    /** When the grant ends whatever is refreshed (the server's session maximum), where known; else null. */
    public Instant sessionEndsAt() { return sessionEndsAt; }
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
        return "TokenRecord[" + serverUrl + " as " + identity().label() + ", expiresAt=" + expiresAt + ", refreshToken="
                + (refreshToken != null ? "present" : "absent") + ", needsLogin=" + needsLogin + "]";
    }

    /** Mutable builder; the only way to make a record. */
    public static final class Builder {
        private String id;
        private String serverUrl;
        private String issuer;
        private String subject;
        private String displayName;
        private List<String> issuedTokens = List.of();
        private String grant;
        private String tokenEndpoint;
        private String clientId;
        private String clientSecret;
        private String authMethod;
        private ClientKey clientKey;
        private String grantType;
        private String resource;
        private String scope;
        private String accessToken;
        private Instant expiresAt;
        private String refreshToken;
        private Instant refreshExpiresAt;
        private Long refreshIdleSeconds;
        private Instant sessionEndsAt;
        private boolean needsLogin;
        private String needsLoginReason;
        private Instant updatedAt;
        private Map<String, Object> unknown = Collections.emptyMap();

        /** Marks the tokens as coming from a new login or add, not from a refresh of the grant the entry had. */
        public Builder newGrant() {
            byte[] random = new byte[8];
            new java.security.SecureRandom().nextBytes(random);
            grant = java.util.HexFormat.of().formatHex(random);
            return this;
        }
        /** Keeps an existing entry's id: an update of that entry, not a new one. */
        public Builder id(String v) { id = v; return this; }
        public Builder issuer(String v) { issuer = v; return this; }
        public Builder subject(String v) { subject = v; return this; }
        public Builder displayName(String v) { displayName = v; return this; }
        public Builder identity(Identity v) { issuer = v.issuer(); subject = v.subject(); displayName = v.displayName(); return this; }
        /** Sets the access token and remembers its fingerprint, so the entry still knows it after a refresh. */
        public Builder issuedAccessToken(String v) {
            accessToken = v;
            if (v != null) {
                String f = TokenFingerprint.of(v);
                List<String> kept = new ArrayList<>(ISSUED_KEPT);
                kept.add(f);
                for (String old : issuedTokens) {
                    if (kept.size() < ISSUED_KEPT && !old.equals(f)) {
                        kept.add(old);
                    }
                }
                issuedTokens = List.copyOf(kept);
            }
            return this;
        }
        public Builder tokenEndpoint(String v) { tokenEndpoint = v; return this; }
        public Builder clientId(String v) { clientId = v; return this; }
        public Builder clientSecret(String v) { clientSecret = v; return this; }
        public Builder authMethod(String v) { authMethod = v; return this; }
        public Builder clientKey(ClientKey v) { clientKey = v; return this; }
        public Builder grantType(String v) { grantType = v; return this; }
        public Builder resource(String v) { resource = v; return this; }
        public Builder scope(String v) { scope = v; return this; }
        public Builder accessToken(String v) { accessToken = v; return this; }
        public Builder expiresAt(Instant v) { expiresAt = v; return this; }
        public Builder refreshToken(String v) { refreshToken = v; return this; }
        public Builder refreshExpiresAt(Instant v) { refreshExpiresAt = v; return this; }
        /** A positive number of seconds, or null: the store refuses to read anything else back. */
        public Builder refreshIdleSeconds(Long v) {
            if (v != null && (v <= 0 || v > MAX_IDLE_SECONDS)) {
                throw new IllegalArgumentException("a refresh idle lifetime must be a positive number of seconds, at"
                        + " most 100 years");
            }
            refreshIdleSeconds = v;
            return this;
        }
        public Builder sessionEndsAt(Instant v) { sessionEndsAt = v; return this; }
        public Builder needsLogin(boolean v, String reason) { needsLogin = v; needsLoginReason = v ? reason : null; return this; }
        public Builder updatedAt(Instant v) { updatedAt = v; return this; }

        public TokenRecord build() {
            return new TokenRecord(this);
        }
    }
}
