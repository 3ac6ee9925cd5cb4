package dev.mcprefresh.core.store.postgres;

import dev.mcprefresh.core.log.Log;
import dev.mcprefresh.core.store.StoreException;
import dev.mcprefresh.core.store.StoreUnavailableException;

/**
 * The database as this JVM last found it. While it is unreachable, operations fail at once (no connection attempt,
 * no wait on the caller's thread) until the back-off allows another try: 1 s, doubling to 10 s; one WARN when an
 * outage starts, one INFO when it ends. A refusal (wrong password, unknown database, a missing right) is not tried
 * again for 30 s, doubling to 5 min: a fleet with a wrong password must not become a storm of failed logins (the
 * caller says it, once).
 */
final class Outage {
    private static final long FIRST_MILLIS = 1_000;
    private static final long MAX_MILLIS = 10_000;
    private static final long REFUSED_FIRST_MILLIS = 30_000;
    private static final long REFUSED_MAX_MILLIS = 300_000;

    private final String location;
    private StoreException last;
    private boolean unreachable;
    private long retryAtMillis;
    private long backoffMillis;

    Outage(String location) {
        this.location = location;
    }

    /** Throws (a copy of) the last failure while its back-off lasts. */
    synchronized void check() {
        if (last != null && System.currentTimeMillis() < retryAtMillis) {
            throw unreachable ? new StoreUnavailableException(last.getMessage()) : new StoreException(last.getMessage());
        }
    }

    synchronized void failed(StoreUnavailableException e) {
        if (!unreachable) {
            backoffMillis = FIRST_MILLIS;
            Log.warn(e.getMessage() + "; tokens already read keep serving, and no token is refreshed until it is back"
                    + " (a refresh without the row lock could spend a refresh token another host holds); retrying");
        } else {
            backoffMillis = Math.min(backoffMillis * 2, MAX_MILLIS);
        }
        unreachable = true;
        last = e;
        retryAtMillis = System.currentTimeMillis() + backoffMillis;
    }

    synchronized void refused(StoreException e) {
        backoffMillis = last == null || unreachable ? REFUSED_FIRST_MILLIS
                : Math.min(backoffMillis * 2, REFUSED_MAX_MILLIS);
        unreachable = false;
        last = e;
        retryAtMillis = System.currentTimeMillis() + backoffMillis;
    }

    synchronized void ok() {
        if (unreachable) {
            Log.info("the token store " + location + " is reachable again");
        }
        unreachable = false;
        last = null;
    }
}
