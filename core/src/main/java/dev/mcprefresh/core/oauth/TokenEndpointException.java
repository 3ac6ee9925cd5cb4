package dev.mcprefresh.core.oauth;

/**
 * A token request that did not produce a token, and what the caller should do about it ({@link #failure()}). Messages
 * hold the OAuth error code and what to fix, never tokens, secrets or the server's error_description.
 */
public final class TokenEndpointException extends Exception {
    /** Why the request failed, which decides what the caller does next. */
    public enum Failure {
        /**
         * The grant is dead (RFC 6749 5.2 {@code invalid_grant}: expired, revoked or already used), or nothing could
         * ever be sent: only a new login helps, in every process sharing the store.
         */
        GRANT_DEAD,
        /**
         * The server refused the stored client, resource, scope or grant type: the grant may be fine, but retrying
         * the same request cannot help until a person fixes the configuration the message names.
         */
        CONFIGURATION,
        /** 5xx, 429, network, timeout, redirect, a refusal without an OAuth error, an unusable answer: back off, retry. */
        TRANSIENT
    }

    private final Failure failure;
    private final String error;
    private final transient String rotatedRefreshToken;

    public TokenEndpointException(String message, Failure failure, String error) {
        this(message, failure, error, null);
    }

    /** {@code needsLogin}: {@link Failure#GRANT_DEAD}, else {@link Failure#TRANSIENT}. */
    public TokenEndpointException(String message, boolean needsLogin, String error) {
        this(message, needsLogin ? Failure.GRANT_DEAD : Failure.TRANSIENT, error, null);
    }

    TokenEndpointException(String message, Failure failure, String error, String rotatedRefreshToken) {
        super(message);
        this.failure = failure;
        this.error = error;
        this.rotatedRefreshToken = rotatedRefreshToken;
    }

    /**
     * A new refresh token found in a 200 response that was otherwise unusable: the server may have retired the old
     * one already, so the caller stores it. Never part of the message.
     */
    public String rotatedRefreshToken() {
        return rotatedRefreshToken;
    }

    public Failure failure() {
        return failure;
    }

    /** The grant is dead: mark the store entry as needing a new login. */
    public boolean needsLogin() {
        return failure == Failure.GRANT_DEAD;
    }

    /** A configuration error: say the message once (it names what to fix); not a dead grant, not worth a quick retry. */
    public boolean configurationError() {
        return failure == Failure.CONFIGURATION;
    }

    /** The OAuth error code, e.g. invalid_grant; null when there was none. */
    public String error() {
        return error;
    }
}
