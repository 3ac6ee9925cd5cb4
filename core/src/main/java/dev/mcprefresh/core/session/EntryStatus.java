package dev.mcprefresh.core.session;

import java.time.Instant;

/**
 * One store entry as this JVM sees it, for operators (the MBean): no token, no secret, only instants, counts and log
 * text. Null instants are unknown.
 */
public final class EntryStatus {
    private final String serverUrl;
    private final String identity;
    private final Instant accessTokenExpiresAt;
    private final Instant refreshTokenExpiresAt;
    private final String refreshTokenExpirySource;
    private final Instant sessionEndsAt;
    private final Instant nextKeepAlive;
    private final int liveTransports;
    private final long refreshCount;
    private final Instant lastRefresh;
    private final String lastError;
    private final boolean needsLogin;

    EntryStatus(String serverUrl, String identity, Instant accessTokenExpiresAt, Instant refreshTokenExpiresAt,
            String refreshTokenExpirySource, Instant sessionEndsAt, Instant nextKeepAlive, int liveTransports,
            long refreshCount, Instant lastRefresh, String lastError, boolean needsLogin) {
        this.serverUrl = serverUrl;
        this.identity = identity;
        this.accessTokenExpiresAt = accessTokenExpiresAt;
        this.refreshTokenExpiresAt = refreshTokenExpiresAt;
        this.refreshTokenExpirySource = refreshTokenExpirySource;
        this.sessionEndsAt = sessionEndsAt;
        this.nextKeepAlive = nextKeepAlive;
        this.liveTransports = liveTransports;
        this.refreshCount = refreshCount;
        this.lastRefresh = lastRefresh;
        this.lastError = lastError;
        this.needsLogin = needsLogin;
    }

    /** Without userinfo, query and fragment. */
    public String serverUrl() { return serverUrl; }
    /** The identity's label (display name or subject), as log lines show it. */
    public String identity() { return identity; }
    public Instant accessTokenExpiresAt() { return accessTokenExpiresAt; }
    /** When the refresh token dies if unused ({@link RefreshDeadline}). */
    public Instant refreshTokenExpiresAt() { return refreshTokenExpiresAt; }
    public String refreshTokenExpirySource() { return refreshTokenExpirySource; }
    public Instant sessionEndsAt() { return sessionEndsAt; }
    /** The planned keep-alive refresh; null when none is planned. */
    public Instant nextKeepAlive() { return nextKeepAlive; }
    public int liveTransports() { return liveTransports; }
    /** Token requests this JVM made for the entry that the server answered with tokens. */
    public long refreshCount() { return refreshCount; }
    public Instant lastRefresh() { return lastRefresh; }
    /** The last refresh error as logged (never a token); null after a refresh worked. */
    public String lastError() { return lastError; }
    public boolean needsLogin() { return needsLogin; }
}
