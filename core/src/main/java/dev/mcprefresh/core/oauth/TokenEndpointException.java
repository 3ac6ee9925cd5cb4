package dev.mcprefresh.core.oauth;

/**
 * A refresh that did not produce a token. {@link #needsLogin()} is true when the authorization server rejected the
 * grant (a 4xx such as invalid_grant): retrying cannot help. Otherwise the failure is transient (5xx, network,
 * timeout, malformed response) and a later attempt may succeed. Messages hold the OAuth error code, never tokens.
 */
public final class TokenEndpointException extends Exception {
    private final boolean needsLogin;
    private final String error;
    private final transient String rotatedRefreshToken;

    public TokenEndpointException(String message, boolean needsLogin, String error) {
        this(message, needsLogin, error, null);
    }

    TokenEndpointException(String message, boolean needsLogin, String error, String rotatedRefreshToken) {
        super(message);
        this.needsLogin = needsLogin;
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

    public boolean needsLogin() {
        return needsLogin;
    }

    /** The OAuth error code, e.g. invalid_grant; null when there was none. */
    public String error() {
        return error;
    }
}
