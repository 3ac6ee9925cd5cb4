package dev.mcprefresh.core.session;

import dev.mcprefresh.core.store.TokenRecord;

/**
 * When an idle entry is refreshed to keep its grant alive: at a random point between half and three quarters of the
 * way from its last refresh to its {@link RefreshDeadline}, well inside the window, so processes sharing a store do
 * not all come at once and a slow token endpoint still has time. Never sooner than one access-token life after the
 * last refresh (nor than a second), and never when refreshing cannot move the deadline (the grant's fixed end).
 * Pure: every instant comes from the record.
 */
public final class KeepAlivePlan {
    /** No keep-alive for this record. */
    public static final long NONE = Long.MIN_VALUE;
    static final double EARLIEST = 0.5;
    static final double LATEST = 0.75;
    private static final long MIN_INTERVAL_MILLIS = 1000;

    private KeepAlivePlan() {
    }

    /** The planned keep-alive for {@code r} at {@code nowMillis}; {@code random} in [0, 1) picks the point. */
    public static long nextMillis(TokenRecord r, long nowMillis, double random) {
        return at(r, nowMillis, EARLIEST + (LATEST - EARLIEST) * random);
    }

    /**
     * The first point any process may plan a keep-alive for {@code r}: until then, a refresh that stored {@code r}
     * counts as this window's keep-alive for every process sharing the store.
     */
    static long earliestMillis(TokenRecord r) {
        return at(r, Long.MIN_VALUE, EARLIEST);
    }

    /** The range in which processes plan their keep-alive of {@code r}, for the CLI: {earliest, latest}, or null. */
    public static long[] rangeMillis(TokenRecord r, long nowMillis) {
        long first = at(r, nowMillis, EARLIEST);
        return first == NONE ? null : new long[] {first, at(r, nowMillis, LATEST)};
    }

    /** Why {@code r} gets no keep-alive, for one debug line. */
    static String whyNone(TokenRecord r) {
        if (r.needsLogin()) {
            return "it needs a new login";
        }
        if (r.clientCredentials()) {
            return "a service account mints a new token when it needs one: no grant to keep alive";
        }
        if (RefreshDeadline.of(r) == null) {
            return "the refresh token's idle lifetime is unknown (the server states none; store one with"
                    + " login/add --refresh-idle, or measure it with doctor --live)";
        }
        if (r.sessionEndsAt() != null) {
            return "the refresh token ends with the grant at " + r.sessionEndsAt() + ", which no refresh can move";
        }
        return "its access token lives as long as the refresh token's idle window, or the window has passed";
    }

    private static long at(TokenRecord r, long nowMillis, double fraction) {
        RefreshDeadline deadline = RefreshDeadline.of(r);
        if (deadline == null || r.updatedAt() == null || r.needsLogin() || r.clientCredentials()) {
            return NONE; // a service account mints when it needs to, even if its server sent a refresh token
        }
        long last = r.updatedAt().toEpochMilli();
        long end = deadline.at().toEpochMilli();
        if (r.sessionEndsAt() != null && end >= r.sessionEndsAt().toEpochMilli() - MIN_INTERVAL_MILLIS) {
            return NONE; // the deadline is the grant's fixed end: refreshing cannot move it
        }
        long window = end - last;
        long accessLife = r.expiresAt() == null ? 0 : Math.max(0, r.expiresAt().toEpochMilli() - last);
        long at = last + Math.max((long) (window * fraction), Math.max(accessLife, MIN_INTERVAL_MILLIS));
        if (window <= 0 || at >= end || nowMillis >= end) {
            return NONE; // the access token outlives the idle window, or the window has passed
        }
        return Math.max(at, nowMillis);
    }
}
