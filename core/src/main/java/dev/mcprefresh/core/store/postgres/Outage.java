package dev.mcprefresh.core.store.postgres;

import dev.mcprefresh.core.log.Log;
import dev.mcprefresh.core.store.StoreUnavailableException;

/**
 * The database as this JVM last found it. While it is unreachable, operations fail at once (no connection attempt,
 * no wait on the caller's thread) until the back-off allows another try: 1 s, doubling to 30 s. One WARN when an
 * outage starts, one INFO when it ends.
 */
final class Outage {
    private static final long FIRST_MILLIS = 1_000;
    private static final long MAX_MILLIS = 30_000;

    private final String location;
    private StoreUnavailableException last;
    private long retryAtMillis;
    private long backoffMillis;

    Outage(String location) {
        this.location = location;
    }

    /** Throws the outage's error while the back-off lasts. */
    synchronized void check() {
        if (last != null && System.currentTimeMillis() < retryAtMillis) {
            throw last;
        }
    }

    synchronized void failed(StoreUnavailableException e) {
        if (last == null) {
            backoffMillis = FIRST_MILLIS;
            Log.warn(e.getMessage() + "; tokens already read keep serving, and no token is refreshed until it is back"
                    + " (a refresh without the row lock could spend a refresh token another host holds); retrying");
        } else {
            backoffMillis = Math.min(backoffMillis * 2, MAX_MILLIS);
        }
        last = e;
        retryAtMillis = System.currentTimeMillis() + backoffMillis;
    }

    synchronized void ok() {
        if (last != null) {
            last = null;
            Log.info("the token store " + location + " is reachable again");
        }
    }

    synchronized boolean down() {
        return last != null;
    }
}
