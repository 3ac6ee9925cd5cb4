package dev.mcprefresh.core.session;

import dev.mcprefresh.core.log.Log;
import java.time.Clock;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Bounded back-off after failed refreshes of one store entry: 0.5-1 s, doubling with jitter, at most 60 s, so a down
 * token endpoint is not hammered and is tried again by itself. Said once when it starts and once when it ends.
 * Written only by the single refresh in flight.
 */
final class RefreshBackoff {
    private static final long MAX_MILLIS = 60_000;
    /** Between attempts while the store is unreachable (the store itself fails fast until it is back). */
    static final long STORE_PAUSE_MILLIS = 1_000;

    private final Clock clock;
    private final String logged;
    private int consecutiveFailures;
    private volatile long retryNotBeforeMillis;

    RefreshBackoff(Clock clock, String logged) {
        this.clock = clock;
        this.logged = logged;
    }

    /** Whether a refresh at {@code nowMillis} must wait. */
    boolean waiting(long nowMillis) {
        return nowMillis < retryNotBeforeMillis;
    }

    /** When the next attempt may run (0 when not backing off). */
    long retryNotBeforeMillis() {
        return retryNotBeforeMillis;
    }

    /** One more failure, said by the caller; returns the delay before the next attempt. */
    long failQuietly() {
        consecutiveFailures++;
        long base = Math.min(MAX_MILLIS, 1000L << Math.min(consecutiveFailures - 1, 16));
        long delay = base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
        retryNotBeforeMillis = clock.millis() + delay;
        return delay;
    }

    /** No attempt for {@code millis}, without counting a failure (nothing to say when it works again). */
    void pause(long millis) {
        retryNotBeforeMillis = clock.millis() + millis;
    }

    /** One more failure: a warning the first time, debug lines after. */
    void fail(String reason) {
        long delay = failQuietly();
        if (consecutiveFailures == 1) {
            Log.warn("could not refresh the token for " + logged + ": " + reason + "; retrying with back-off");
        } else {
            Log.debug("refresh for " + logged + " failed again (" + consecutiveFailures + "): " + reason
                    + "; next attempt in " + delay + " ms");
        }
    }

    /** A refresh worked (or another process's token was taken up). */
    void reset() {
        if (consecutiveFailures > 0) {
            Log.info("token refresh for " + logged + " works again after " + consecutiveFailures + " failures");
        }
        consecutiveFailures = 0;
        retryNotBeforeMillis = 0;
    }
}
