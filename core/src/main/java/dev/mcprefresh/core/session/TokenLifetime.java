package dev.mcprefresh.core.session;

import java.time.Duration;
import java.time.Instant;

/**
 * When to refresh a token: {@code skew} before it expires, but never more than a quarter of its life before,
 * so a 2-second test token is not refreshed on every request. Unknown expiry: never proactively.
 */
final class TokenLifetime {
    static final long UNKNOWN = Long.MAX_VALUE;

    private TokenLifetime() {
    }

    static long expiresAtMillis(Instant expiresAt) {
        return expiresAt == null ? UNKNOWN : expiresAt.toEpochMilli();
    }

    static long refreshAtMillis(Instant obtainedAt, Instant expiresAt, Duration skew) {
        if (expiresAt == null) {
            return UNKNOWN;
        }
        long expires = expiresAt.toEpochMilli();
        long margin = skew.toMillis();
        if (obtainedAt != null) {
            long life = expires - obtainedAt.toEpochMilli();
            margin = Math.min(margin, Math.max(0, life / 4));
        }
        return expires - margin;
    }

    /**
     * Until when a token is fresh enough to replay a rejected request with, or to adopt from another process: the
     * first half of its life, and never past {@code refreshAt}. A token near its end may die while the replay is in
     * flight (servers floor issue times to whole seconds), and a second 401 would reach the app.
     */
    static long freshUntilMillis(Instant obtainedAt, Instant expiresAt, long refreshAtMillis) {
        if (obtainedAt == null || expiresAt == null) {
            return refreshAtMillis;
        }
        long obtained = obtainedAt.toEpochMilli();
        long halfLife = Math.max(0, expiresAt.toEpochMilli() - obtained) / 2;
        return Math.min(refreshAtMillis, obtained + halfLife);
    }
}
