package dev.mcprefresh.core.session;

import dev.mcprefresh.core.log.Log;
import dev.mcprefresh.core.store.TokenRecord;
import java.time.Instant;

/**
 * Says once, ahead of it, that a grant reaches its fixed end (the server's session maximum), which no refresh can
 * pass: with the time left and the command to run.
 */
final class SessionEndNotice {
    /** How far ahead of the end it is said (or at once, when less is left). */
    static final long LEAD_MILLIS = 3_600_000;

    private final String logged;
    private volatile Instant said;

    SessionEndNotice(String logged) {
        this.logged = logged;
    }

    /** Says it now if due; returns when it will be due, or {@link KeepAlivePlan#NONE}. */
    long warnAtMillis(TokenRecord r, long nowMillis) {
        Instant end = r.sessionEndsAt();
        if (end == null || end.equals(said) || r.needsLogin() || nowMillis >= end.toEpochMilli()) {
            return KeepAlivePlan.NONE;
        }
        long at = end.toEpochMilli() - LEAD_MILLIS;
        if (nowMillis < at) {
            return at;
        }
        said = end;
        long left = (end.toEpochMilli() - nowMillis) / 1000;
        Log.warn("the grant for " + logged + " as " + r.identity().label() + " ends at " + end + " (in "
                + (left < 120 ? left + " s" : left / 60 + " min") + ") whatever is refreshed: that is the"
                + " authorization server's session maximum; sign in again before then: java -jar mcp-refresh.jar"
                + " login " + logged);
        return KeepAlivePlan.NONE;
    }
}
