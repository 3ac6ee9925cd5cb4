package dev.mcprefresh.core.session;

import dev.mcprefresh.core.log.Log;
import dev.mcprefresh.core.log.Redact;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Turns each refresh outcome of one store entry into the state to use and the log lines to say (once, not once per
 * attempt), drives the back-off, and keeps what an operator may look at: how many refreshes, the last one, the last
 * error (log text only: never a token).
 */
final class RefreshReport {
    private final String logged;
    private final Clock clock;
    private final Duration skew;
    private final RefreshBackoff backoff;
    private volatile boolean warnedNoRefreshToken;
    /** The configuration error last said (one ERROR per distinct error, not one per attempt). */
    private volatile String misconfigurationSaid;
    private volatile boolean replacedSaid;
    private volatile long refreshCount;
    private volatile Instant lastRefresh;
    private volatile String lastError;

    RefreshReport(String logged, Clock clock, Duration skew) {
        this.logged = logged;
        this.clock = clock;
        this.skew = skew;
        this.backoff = new RefreshBackoff(clock, logged);
    }

    RefreshBackoff backoff() {
        return backoff;
    }

    long refreshCount() {
        return refreshCount;
    }

    Instant lastRefresh() {
        return lastRefresh;
    }

    String lastError() {
        return lastError;
    }

    /** The state to use after {@code outcome}, or null to keep the current one. */
    TokenState apply(RefreshOutcome outcome, TokenState stale, RefreshReason reason) {
        switch (outcome.kind) {
            case DEFERRED:
                Log.info("the authorization server refused an early refresh for " + logged + " (" + outcome.message
                        + "); the current token is used until it expires, then refresh is tried again");
                return null;
            case ADOPTED:
                worked();
                Log.debug("using the token another process stored for " + logged);
                return new TokenState(outcome.record, skew);
            case REFRESHED:
                worked();
                refreshed();
                Log.debug((reason == RefreshReason.KEEP_ALIVE ? "keep-alive: refreshed the idle grant for "
                        : "refreshed the access token for ") + logged + expiryNote(outcome.record));
                if (outcome.message != null) {
                    Log.warn("the token response for " + logged + " was partly unusable (" + outcome.message
                            + "); the new token is used, the rest ignored");
                }
                if (outcome.noRefreshTokenInResponse && outcome.record.refreshToken() == null && !warnedNoRefreshToken
                        && !outcome.record.clientCredentials()) { // a service account has none: it mints again
                    warnedNoRefreshToken = true;
                    Log.warn("the token response for " + logged + " had no refresh_token");
                }
                return new TokenState(outcome.record, skew);
            case UNSAVED:
                refreshed();
                Log.warn("the new token for " + logged + " could not be saved (" + outcome.message + "); this"
                        + " process goes on with it and writes it back when the store can be written again; other"
                        + " processes sharing the store may need a new login if the server rotated the refresh token");
                TokenState kept = new TokenState(outcome.record, skew);
                if (kept.header != null && !kept.header.equals(stale.header)) {
                    worked();
                    return kept;
                }
                backoff.fail(outcome.message);
                return null;
            case REPLACED:
                if (!replacedSaid) {
                    replacedSaid = true;
                    Log.warn("the store entry for " + logged + " was replaced by a new login whose user the"
                            + " authorization server does not name; this running app goes on with its own tokens"
                            + " until it is restarted (it never takes up another grant it cannot tell is the same"
                            + " user's)");
                }
                backoff.failQuietly();
                return null;
            case STORE_UNAVAILABLE:
                // The store says an outage once; no back-off growth either: it fails fast until it is back.
                lastError = Redact.text(outcome.message);
                backoff.pause(RefreshBackoff.STORE_PAUSE_MILLIS);
                return null;
            case MISCONFIGURED:
                lastError = Redact.text(outcome.message);
                if (!outcome.message.equals(misconfigurationSaid)) {
                    misconfigurationSaid = outcome.message;
                    Log.error("the authorization server refused the token request for " + logged + " because of the stored"
                            + " configuration: " + outcome.message + "; requests go out as the app built them, and"
                            + " refresh is retried with back-off");
                }
                backoff.failQuietly();
                return null;
            case REJECTED:
                lastError = Redact.text(outcome.message);
                Log.error("the authorization server rejected the refresh for " + logged + " (" + outcome.message
                        + ")" + (reason == RefreshReason.KEEP_ALIVE ? idleEnd(stale) : "")
                        + "; sign in again: java -jar mcp-refresh.jar login " + logged
                        + " (or store a new refresh token with: java -jar mcp-refresh.jar add " + logged + " ...)");
                return new TokenState(stale.record.toBuilder().needsLogin(true, outcome.message).build(), skew);
            default:
                if (outcome.needsLogin) {
                    // Marked: re-checked at most once a second until a login replaces it.
                    return outcome.record == null ? null : new TokenState(outcome.record, skew);
                }
                lastError = Redact.text(outcome.message);
                backoff.fail(outcome.message);
                return null;
        }
    }

    /** For a keep-alive answered invalid_grant: how long the grant sat unused, and what to ask for. */
    private String idleEnd(TokenState stale) {
        Instant last = stale.record.updatedAt();
        String idle = last == null ? "" : " after " + Duration.between(last, clock.instant()).toSeconds()
                + " s without a refresh";
        return "; the grant ended" + idle + ", at the server's idle lifetime or its session maximum, though kept alive:"
                + " ask the server's owner for a longer refresh-token idle lifetime and session maximum (or"
                + " offline_access)";
    }

    private void refreshed() {
        refreshCount++;
        lastRefresh = clock.instant();
    }

    private void worked() {
        backoff.reset();
        misconfigurationSaid = null;
        lastError = null;
    }

    private String expiryNote(dev.mcprefresh.core.store.TokenRecord r) {
        if (r.expiresAt() == null) {
            return " (expiry unknown: refreshing on 401 only)";
        }
        long millis = Math.max(0, r.expiresAt().toEpochMilli() - clock.millis());
        return " (expires in " + String.format(java.util.Locale.ROOT, "%.1f", millis / 1000.0) + " s)";
    }
}
