package dev.mcprefresh.core.session;

import dev.mcprefresh.core.oauth.JwtExpiry;
import dev.mcprefresh.core.store.TokenRecord;
import java.time.Instant;

/**
 * When an entry's refresh token stops working if it is not used: the server's {@code refresh_expires_in}, else the
 * refresh token's own JWT {@code exp}, else the idle lifetime the user stored for the server (or {@code doctor --live}
 * measured) counted from the last refresh. Null when none of them is known.
 */
public final class RefreshDeadline {
    public enum Source {
        SERVER("the server's refresh_expires_in"),
        JWT("the refresh token's exp"),
        STORED_IDLE("the idle lifetime stored for the server");

        private final String description;

        Source(String description) {
            this.description = description;
        }

        /** For log lines and the CLI. */
        public String description() {
            return description;
        }
    }

    private final Instant at;
    private final Source source;

    private RefreshDeadline(Instant at, Source source) {
        this.at = at;
        this.source = source;
    }

    public static RefreshDeadline of(TokenRecord r) {
        if (r.refreshToken() == null) {
            return null;
        }
        if (r.refreshExpiresAt() != null) {
            return new RefreshDeadline(r.refreshExpiresAt(), Source.SERVER);
        }
        Instant exp = JwtExpiry.of(r.refreshToken());
        if (exp != null) {
            return new RefreshDeadline(exp, Source.JWT);
        }
        if (r.refreshIdleSeconds() != null && r.updatedAt() != null) {
            return new RefreshDeadline(r.updatedAt().plusSeconds(r.refreshIdleSeconds()), Source.STORED_IDLE);
        }
        return null;
    }

    public Instant at() {
        return at;
    }

    public Source source() {
        return source;
    }

    /** Whether the server states this end anew with each token (so a refresh that does not move it is telling). */
    boolean statedByServer() {
        return source != Source.STORED_IDLE;
    }
}
