package dev.mcprefresh.core.login;

/** A login step failed; the message says which and what to do, and never holds a token or secret. */
public final class LoginException extends Exception {
    public LoginException(String message) {
        super(message);
    }
}
