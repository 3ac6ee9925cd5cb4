package dev.mcprefresh.core.session;

import dev.mcprefresh.core.store.TokenRecord;
import java.time.Duration;
import java.util.Objects;

/**
 * What a refresh does with the entry it finds in the store, under the store's lock: take up what another process
 * stored, ask the token endpoint, or stop. Pure: the stored record, this JVM's record, the reason and the time.
 */
final class RefreshDecision {
    enum Verdict {
        /** The entry is gone from the store. */
        GONE,
        /** The entry now names another user than the one this JVM sends as. */
        OTHER_USER,
        /** A new login replaced the grant, and nothing says it is the same user's. */
        REPLACED,
        /** Another process (or the CLI) stored newer tokens that are good enough for the reason. */
        ADOPT,
        /** The entry is marked as needing a login. */
        NEEDS_LOGIN,
        /** Ask the token endpoint. */
        REFRESH
    }

    private RefreshDecision() {
    }

    static Verdict decide(TokenRecord onDisk, TokenRecord mine, RefreshReason reason, long nowMillis, Duration skew) {
        if (onDisk == null) {
            return Verdict.GONE;
        }
        if (!onDisk.identity().sameUser(mine.identity()) && mine.subject() != null) {
            return Verdict.OTHER_USER;
        }
        if (!sameGrant(onDisk, mine)) {
            return Verdict.REPLACED;
        }
        if (!onDisk.sameTokens(mine) && !onDisk.needsLogin() && goodEnough(onDisk, reason, nowMillis, skew)) {
            return Verdict.ADOPT; // another process or the CLI refreshed already
        }
        return onDisk.needsLogin() ? Verdict.NEEDS_LOGIN : Verdict.REFRESH;
    }

    /**
     * Whether newer stored tokens serve the reason. An early refresh may keep any token not yet due; a request waiting
     * for a token (expired or rejected) takes one only while it is fresh, so its replay does not die too; a keep-alive
     * takes any refresh made since its own keep-alive point was planned, since that refresh reset the idle window.
     */
    private static boolean goodEnough(TokenRecord onDisk, RefreshReason reason, long nowMillis, Duration skew) {
        if (reason == RefreshReason.KEEP_ALIVE) {
            long earliest = KeepAlivePlan.earliestMillis(onDisk);
            return earliest == KeepAlivePlan.NONE || nowMillis < earliest;
        }
        TokenState disk = new TokenState(onDisk, skew);
        if (disk.header == null) {
            return false;
        }
        long adoptUntil = reason == RefreshReason.EARLY ? disk.refreshAtMillis : disk.freshUntilMillis;
        return disk.expiresAtMillis == TokenLifetime.UNKNOWN || nowMillis < adoptUntil;
    }

    /**
     * Whether the store still holds the grant this JVM refreshes. A login or add makes a new grant; it is taken up
     * only when both name the same user, since a server that names no user cannot tell a re-login from another
     * user's login, and a running transport never changes identity.
     */
    static boolean sameGrant(TokenRecord onDisk, TokenRecord mine) {
        return Objects.equals(onDisk.grant(), mine.grant())
                || onDisk.subject() != null && onDisk.subject().equals(mine.subject());
    }
}
