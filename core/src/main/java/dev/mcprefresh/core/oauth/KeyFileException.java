package dev.mcprefresh.core.oauth;

/**
 * A signing key file could not be used; the message names the file and the fix. Messages never hold key material
 * (no bytes, no base64, not even a fragment), since they end up in logs.
 */
public final class KeyFileException extends Exception {
    public KeyFileException(String message) {
        super(message);
    }
}
