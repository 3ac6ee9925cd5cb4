package dev.mcprefresh.core.session;

import dev.mcprefresh.core.store.TokenRecord;

/**
 * Learns a grant's fixed end (Keycloak's SSO Session Max, Okta's refresh tokens whose expiry stays the same after
 * rotation) from a refresh: when the server states each refresh token's end and a refresh did not move it later,
 * that end is the grant's, and keep-alive cannot pass it. A later end disproves a stored one.
 */
final class SessionEnd {
    /** Tolerance for servers that count in whole seconds. */
    private static final long SAME_MILLIS = 1500;
    /** Two refreshes closer than this cannot tell a fixed end from a sliding one. */
    private static final long MIN_ELAPSED_MILLIS = 4000;

    private SessionEnd() {
    }

    static TokenRecord learn(TokenRecord before, TokenRecord after) {
        RefreshDeadline was = RefreshDeadline.of(before);
        RefreshDeadline now = RefreshDeadline.of(after);
        if (now == null || !now.statedByServer() || carriedOver(before, after)) {
            return after;
        }
        long end = now.at().toEpochMilli();
        if (after.sessionEndsAt() != null && end > after.sessionEndsAt().toEpochMilli() + SAME_MILLIS) {
            return after.toBuilder().sessionEndsAt(null).build();
        }
        long elapsed = before.updatedAt() == null || after.updatedAt() == null ? 0
                : after.updatedAt().toEpochMilli() - before.updatedAt().toEpochMilli();
        // A sliding window moves the end by about the time between the refreshes; a fixed end does not move.
        if (was != null && was.statedByServer() && elapsed >= MIN_ELAPSED_MILLIS
                && end - was.at().toEpochMilli() < Math.min(SAME_MILLIS, elapsed / 2) && after.sessionEndsAt() == null) {
            return after.toBuilder().sessionEndsAt(now.at()).build();
        }
        return after;
    }

    /**
     * Whether the response stated no end of its own: the same refresh token with the same stored end (a server that
     * states refresh_expires_in only at login, or a JWT refresh token that was not rotated). That end did not move
     * because nobody said it again, not because it is fixed.
     */
    private static boolean carriedOver(TokenRecord before, TokenRecord after) {
        return java.util.Objects.equals(before.refreshToken(), after.refreshToken())
                && java.util.Objects.equals(before.refreshExpiresAt(), after.refreshExpiresAt());
    }
}
