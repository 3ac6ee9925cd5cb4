package dev.mcprefresh.core.store;

/**
 * The store cannot be reached for now (a database down or unreachable): nothing is wrong with what it holds, and the
 * same operation may work later. Callers keep what they have and try again after a back-off.
 */
public final class StoreUnavailableException extends StoreException {
    public StoreUnavailableException(String message) {
        super(message);
    }
}
