package dev.mcprefresh.core.session;

import java.time.Duration;
import java.time.Instant;

/**
 * What one refresh shows about a server's refresh-token lifetime, from the old token's end and the new one's: if
 * the end moved on by about the time since the previous refresh, the lifetime slides with use (an idle lifetime,
 * which keep-alive can beat); if it did not move, it is the grant's fixed end (a session maximum). Too short a gap
 * between the two refreshes tells nothing.
 */
public final class RefreshLifetime {
    public enum Kind { SLIDING, FIXED, UNKNOWN }

    private static final long SAME_MILLIS = 1500;
    private static final long MIN_GAP_MILLIS = 4000;

    private final Kind kind;
    private final long idleSeconds;
    private final Instant end;

    private RefreshLifetime(Kind kind, long idleSeconds, Instant end) {
        this.kind = kind;
        this.idleSeconds = idleSeconds;
        this.end = end;
    }

    /**
     * {@code previousRefresh}: when the old token was issued; {@code oldEnd}, {@code newEnd}: the two tokens' ends
     * (null when unknown); {@code refreshedAt}: when the new one was issued.
     */
    public static RefreshLifetime measure(Instant previousRefresh, Instant oldEnd, Instant refreshedAt, Instant newEnd) {
        if (newEnd == null || !newEnd.isAfter(refreshedAt)) {
            return new RefreshLifetime(Kind.UNKNOWN, -1, newEnd);
        }
        long life = Duration.between(refreshedAt, newEnd).toSeconds();
        if (oldEnd == null || previousRefresh == null) {
            return new RefreshLifetime(Kind.UNKNOWN, life, newEnd);
        }
        long gap = Duration.between(previousRefresh, refreshedAt).toMillis();
        long moved = Duration.between(oldEnd, newEnd).toMillis();
        if (gap >= MIN_GAP_MILLIS && moved >= gap - SAME_MILLIS) {
            return new RefreshLifetime(Kind.SLIDING, life, newEnd);
        }
        if (gap >= MIN_GAP_MILLIS && moved < Math.min(SAME_MILLIS, gap / 2)) {
            return new RefreshLifetime(Kind.FIXED, life, newEnd);
        }
        return new RefreshLifetime(Kind.UNKNOWN, life, newEnd);
    }

    public Kind kind() {
        return kind;
    }

    /** The new token's life from its issue, in seconds (the idle lifetime when sliding); -1 when unknown. */
    public long lifeSeconds() {
        return idleSeconds;
    }

    /** The new token's end. */
    public Instant end() {
        return end;
    }
}
