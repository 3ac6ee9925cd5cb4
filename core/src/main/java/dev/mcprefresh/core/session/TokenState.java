package dev.mcprefresh.core.session;

import dev.mcprefresh.core.store.TokenRecord;
import java.time.Duration;

/**
 * A stored record with everything the per-request path needs precomputed: the header value and the two instants,
 * so that sending with a valid token is a volatile read and two comparisons, with no allocation.
 */
final class TokenState {
    final TokenRecord record;
    /** "Bearer ..." or null when the record holds no access token. */
    final String header;
    final long refreshAtMillis;
    final long expiresAtMillis;
    /** Until when this token is fresh enough to replay a rejected request with. */
    final long freshUntilMillis;

    TokenState(TokenRecord record, Duration skew) {
        this.record = record;
        this.header = record.accessToken() == null
                ? null : "Bearer " + record.accessToken();
        this.expiresAtMillis = TokenLifetime.expiresAtMillis(record.expiresAt());
        this.refreshAtMillis = TokenLifetime.refreshAtMillis(record.updatedAt(), record.expiresAt(), skew);
        this.freshUntilMillis = TokenLifetime.freshUntilMillis(record.updatedAt(), record.expiresAt(), refreshAtMillis);
    }

    boolean usableAt(long nowMillis) {
        return header != null && nowMillis < expiresAtMillis;
    }
}
