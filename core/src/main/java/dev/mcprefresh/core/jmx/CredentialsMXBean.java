package dev.mcprefresh.core.jmx;

/**
 * One store entry in a running JVM, as JConsole, VisualVM or jmx_exporter see it under
 * {@code dev.mcprefresh:type=Credentials,server=...,identity=...}. Instants are ISO-8601 strings (empty when unknown).
 * Nothing here is a token or a secret.
 */
public interface CredentialsMXBean {
    String getServerUrl();

    String getIdentity();

    String getAccessTokenExpiresAt();

    /** When the refresh token dies if unused. */
    String getRefreshTokenExpiresAt();

    /** Where that expiry comes from (the server's refresh_expires_in, the token's exp, a stored idle lifetime). */
    String getRefreshTokenExpirySource();

    /** The grant's fixed end (the server's session maximum), which no refresh passes. */
    String getSessionEndsAt();

    /** The planned keep-alive refresh; empty when none is planned. */
    String getNextKeepAlive();

    /** Seconds until the refresh token dies if unused; -1 when unknown. For alerts on a dying grant. */
    long getRefreshTokenSecondsLeft();

    int getLiveTransports();

    long getRefreshCount();

    String getLastRefresh();

    /** The last refresh error as logged; empty after a refresh worked. */
    String getLastError();

    boolean isNeedsLogin();
}
