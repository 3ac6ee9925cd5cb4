package dev.mcprefresh.core.store;

/** The store could not be read, locked or written. The message names the file and the cause, never its content. */
public class StoreException extends RuntimeException {
    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
