package dev.mcprefresh.core.session;

import dev.mcprefresh.core.log.Log;
import dev.mcprefresh.core.log.LoggedUrl;
import dev.mcprefresh.core.oauth.TokenEndpointClient;
import dev.mcprefresh.core.oauth.TokenEndpointException;
import dev.mcprefresh.core.oauth.TokenResponse;
import dev.mcprefresh.core.store.StoreException;
import dev.mcprefresh.core.store.TokenRecord;
import dev.mcprefresh.core.store.TokenStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The credentials of one store entry (an MCP server and one identity), shared by every transport of this JVM that
 * sends as that identity. It only ever reads and writes its own entry (by id), so another user's login to the same
 * server is never adopted.
 * <ul>
 *   <li>{@link #header()}: the per-request fast path; starts a background refresh inside the skew window.</li>
 *   <li>{@link #freshHeader()} and {@link #onUnauthorized(String)}: wait for a refresh. Single-flight: however many
 *       threads ask, one token request runs, under the store's cross-process lock, after re-reading the store.</li>
 * </ul>
 * Failures never throw to the caller: they complete with null, and the caller sends the request as the app built it.
 */
public final class Credentials {
    private static final long NEEDS_LOGIN_RECHECK_MILLIS = 1000;
    static final long REFUSED_HOLD_MILLIS = 60_000;

    private final String serverUrl;
    /** The server URL as log lines show it: without userinfo, query and fragment. */
    private final String logged;
    private final String entryId;
    private final TokenStore store;
    private final TokenEndpointClient tokenClient;
    private final Clock clock;
    private final Duration skew;
    private final Executor executor;

    private volatile TokenState current;
    private final AtomicReference<CompletableFuture<TokenState>> inFlight = new AtomicReference<>();
    private volatile long lastNeedsLoginCheckMillis;
    private final RefreshBackoff backoff;
    private volatile boolean warnedNoRefreshToken;
    /** The state whose early refresh the server refused: it is used until it expires, then refreshed again. */
    private volatile TokenState earlyRefreshRefusedFor;
    private volatile String refusedHeader;
    private volatile long refusedUntilMillis;
    private volatile boolean warnedFreshTokenRejected;
    /** The configuration error last said (one ERROR per distinct error, not one per attempt). */
    private volatile String misconfigurationSaid;
    private volatile boolean replacedSaid;
    private final UnsavedRotation unsaved = new UnsavedRotation();

    public Credentials(TokenRecord initial, TokenStore store, TokenEndpointClient tokenClient, Clock clock,
            Duration skew, Executor executor) {
        this.serverUrl = initial.serverUrl();
        this.logged = LoggedUrl.of(serverUrl);
        this.entryId = initial.id();
        this.store = store;
        this.tokenClient = tokenClient;
        this.clock = clock;
        this.skew = skew;
        this.executor = executor;
        this.current = new TokenState(initial, skew);
        this.backoff = new RefreshBackoff(clock, logged);
    }

    public String serverUrl() {
        return serverUrl;
    }

    /** The store entry this object keeps fresh. */
    public String entryId() {
        return entryId;
    }

    /** Whose tokens these are, for log lines: a label, never a token. */
    public String identityLabel() {
        return current.record.identity().label();
    }

    /**
     * The Authorization header value to send now, or null when there is no usable token (expired or absent): then
     * call {@link #freshHeader()}. No allocation on the common path.
     */
    public String header() {
        TokenState s = current;
        long now = clock.millis();
        if (now < s.refreshAtMillis) {
            return s.header;
        }
        if (s.usableAt(now)) {
            if (earlyRefreshRefusedFor != s) {
                refresh(s, true); // early refresh in the background; this request still goes out with the valid token
            }
            return s.header;
        }
        return null;
    }

    /** A header after refreshing (or adopting what another process stored); null when none can be had. */
    public CompletableFuture<String> freshHeader() {
        TokenState s = current;
        if (s.usableAt(clock.millis()) && clock.millis() < s.refreshAtMillis) {
            return CompletableFuture.completedFuture(s.header);
        }
        return refresh(s, false).thenApply(n -> n != null && n.usableAt(clock.millis()) ? n.header : null);
    }

    /**
     * The server rejected a request that carried {@code sentHeader}. Completes with a different header to replay
     * with, or null when no newer token can be had (then the app gets the 401, as it would without the agent).
     */
    public CompletableFuture<String> onUnauthorized(String sentHeader) {
        TokenState s = current;
        long now = clock.millis();
        if (s.header != null && !s.header.equals(sentHeader) && now < s.freshUntilMillis) {
            return CompletableFuture.completedFuture(s.header); // someone refreshed since this request left
        }
        if (sentHeader.equals(refusedHeader) && now < refusedUntilMillis && now < s.refreshAtMillis) {
            // The server refused this token right after it was issued: another refresh would be refused too, and
            // one per request would hammer the authorization server. Its normal refresh time still applies.
            return CompletableFuture.completedFuture(null);
        }
        return refresh(s, false)
                .thenApply(n -> n == null || n.header == null || n.header.equals(sentHeader) ? null : n.header);
    }

    /**
     * The server rejected {@code header} on the replay right after a refresh: it refuses fresh tokens (audience or
     * resource mismatch, clock skew, a scope it wants). Said once per server; that token gets no further refresh for
     * {@link #REFUSED_HOLD_MILLIS}, so a server answering 401 forever costs one token request a minute, not one per
     * request.
     */
    public void freshTokenRejected(String header) {
        refusedHeader = header;
        refusedUntilMillis = clock.millis() + REFUSED_HOLD_MILLIS;
        if (!warnedFreshTokenRejected) {
            warnedFreshTokenRejected = true;
            Log.warn("the MCP server " + logged + " rejected a freshly refreshed token too; likely causes: the"
                    + " token's audience or resource does not match the server (check the resource stored at login),"
                    + " clock skew between the servers, or a scope the server requires; no further refresh for that"
                    + " token for " + REFUSED_HOLD_MILLIS / 1000 + " s");
        }
    }

    /**
     * Refreshes now, whatever the current token's expiry (the CLI's {@code refresh}); single-flight and
     * cross-process safe like every other refresh. Completes with true when a new token was stored or adopted.
     */
    public CompletableFuture<Boolean> refreshNow() {
        TokenState s = current;
        return refresh(s, false)
                .thenApply(n -> n != null && n != s && n.header != null && !n.record.sameTokens(s.record));
    }

    /** The record as this JVM last saw it (never logged: it holds tokens). */
    public TokenRecord record() {
        return current.record;
    }

    /** {@code early}: the current token is still valid and this refresh only runs ahead of its expiry. */
    private CompletableFuture<TokenState> refresh(TokenState stale, boolean early) {
        while (true) {
            CompletableFuture<TokenState> running = inFlight.get();
            if (running != null) {
                return running;
            }
            TokenState now = current;
            if (now != stale) {
                return CompletableFuture.completedFuture(now);
            }
            long nowMillis = clock.millis();
            if (stale.record.needsLogin()) {
                if (nowMillis - lastNeedsLoginCheckMillis < NEEDS_LOGIN_RECHECK_MILLIS) {
                    return CompletableFuture.completedFuture(null);
                }
                lastNeedsLoginCheckMillis = nowMillis;
            } else if (backoff.waiting(nowMillis)) {
                return CompletableFuture.completedFuture(null); // backing off after a transient failure
            }
            CompletableFuture<TokenState> mine = new CompletableFuture<>();
            if (inFlight.compareAndSet(null, mine)) {
                try {
                    executor.execute(() -> runRefresh(stale, early, mine));
                } catch (RuntimeException e) {
                    inFlight.set(null);
                    mine.complete(null);
                }
                return mine;
            }
        }
    }

    private void runRefresh(TokenState stale, boolean early, CompletableFuture<TokenState> result) {
        TokenState outcome = null;
        try {
            outcome = refreshUnderLock(stale, early);
        } catch (Throwable t) {
            Log.warn("refresh for " + logged + " failed unexpectedly; requests go out as the app built them", t);
        } finally {
            if (outcome != null) {
                current = outcome;
            }
            inFlight.set(null);
            result.complete(outcome != null && outcome.header != null ? outcome : null);
        }
    }

    /** Returns the new state, or null when nothing usable came of it. */
    private TokenState refreshUnderLock(TokenState stale, boolean early) {
        RefreshOutcome outcome;
        TokenRecord[] answered = new TokenRecord[2]; // the server's answer and what it replaced, should the write fail
        TokenRecord pending = unsaved.pending();
        try {
            outcome = store.update(contents -> {
                TokenRecord onDisk = unsaved.reconcile(contents, entryId, pending);
                if (onDisk == null) {
                    return RefreshOutcome.failed("the store no longer has the entry for " + logged + " as "
                            + stale.record.identity().label(), false);
                }
                if (!onDisk.identity().sameUser(stale.record.identity()) && stale.record.subject() != null) {
                    return RefreshOutcome.failed("the store entry for " + logged + " now names another user", false);
                }
                if (!sameGrant(onDisk, stale.record)) {
                    return RefreshOutcome.replaced();
                }
                TokenState disk = new TokenState(onDisk, skew);
                long now = clock.millis();
                // An early refresh may keep any token not yet due; a request waiting for a token (expired or
                // rejected) takes another process's token only while it is fresh, so its replay does not die too.
                long adoptUntil = early ? disk.refreshAtMillis : disk.freshUntilMillis;
                if (!onDisk.sameTokens(stale.record) && !onDisk.needsLogin() && disk.header != null
                        && (disk.expiresAtMillis == TokenLifetime.UNKNOWN || now < adoptUntil)) {
                    return RefreshOutcome.adopted(onDisk); // another process or the CLI refreshed already
                }
                if (onDisk.needsLogin()) {
                    return RefreshOutcome.failed(null, true);
                }
                try {
                    // Between the server rotating the refresh token and our fsync, a crash loses the new one:
                    // load the writer's classes now so that window holds no class loading.
                    // A store that can never be written (a symbolic link) is said before a rotation is spent on it.
                    store.warmUpWriter();
                    Instant at = clock.instant();
                    TokenResponse response = tokenClient.refresh(onDisk);
                    answered[1] = onDisk;
                    TokenRecord updated = response.applyTo(onDisk, at);
                    answered[0] = updated;
                    // Written and fsync'd before anyone uses the new token: a process that exits right after its
                    // request cannot take the only copy of a rotated refresh token with it.
                    contents.put(updated);
                    return RefreshOutcome.refreshed(updated, response.refreshToken() == null, response.note());
                } catch (TokenEndpointException e) {
                    if (e.rotatedRefreshToken() != null) {
                        // An unusable answer that still rotated the refresh token: the old one may be dead now.
                        answered[1] = onDisk;
                        answered[0] = onDisk.toBuilder().refreshToken(e.rotatedRefreshToken()).build();
                        contents.put(answered[0]);
                    }
                    if (e.needsLogin() && early && disk.usableAt(clock.millis())) {
                        // Some servers refuse to refresh a token that is still valid: not a dead grant yet.
                        return RefreshOutcome.deferred(e.getMessage());
                    }
                    if (e.needsLogin()) {
                        contents.put(onDisk.toBuilder().needsLogin(true, e.getMessage()).build());
                        return RefreshOutcome.rejected(e.getMessage());
                    }
                    if (e.configurationError()) {
                        return RefreshOutcome.misconfigured(e.getMessage()); // the grant may be fine: not marked
                    }
                    return RefreshOutcome.failed(e.getMessage(), false);
                }
            });
            unsaved.settled(pending); // written back, or superseded by what the store now holds
        } catch (RuntimeException e) {
            String why = e instanceof StoreException ? e.getMessage() : e.getClass().getSimpleName();
            if (answered[0] != null) {
                // The server has answered and may have rotated the refresh token: memory is the only copy left, and
                // the one the next refresh presents (the store's is superseded: reuse detection would end the grant).
                unsaved.keep(answered[0], answered[1]);
                Log.warn("the new token for " + logged + " could not be saved (" + why + "); this"
                        + " process goes on with it and writes it back when the store can be written again; other"
                        + " processes sharing the store may need a new login if the server rotated the refresh token");
                TokenState kept = new TokenState(answered[0], skew);
                if (kept.header != null && !kept.header.equals(stale.header)) {
                    resetBackoff();
                    return kept;
                }
            }
            if (!(e instanceof StoreException)) {
                throw e;
            }
            outcome = RefreshOutcome.failed(e.getMessage(), false);
        }
        return apply(outcome, stale);
    }

    /**
     * Whether the store still holds the grant this object refreshes. A login or add makes a new grant; it is taken up
     * only when both name the same user, since a server that names no user cannot tell a re-login from another
     * user's login, and a running transport never changes identity.
     */
    private static boolean sameGrant(TokenRecord onDisk, TokenRecord mine) {
        return java.util.Objects.equals(onDisk.grant(), mine.grant())
                || onDisk.subject() != null && onDisk.subject().equals(mine.subject());
    }

    private TokenState apply(RefreshOutcome outcome, TokenState stale) {
        switch (outcome.kind) {
            case DEFERRED:
                earlyRefreshRefusedFor = stale;
                Log.info("the authorization server refused an early refresh for " + logged + " (" + outcome.message
                        + "); the current token is used until it expires, then refresh is tried again");
                return null;
            case ADOPTED:
                resetBackoff();
                Log.debug("using the token another process stored for " + logged);
                return new TokenState(outcome.record, skew);
            case REFRESHED:
                resetBackoff();
                TokenState state = new TokenState(outcome.record, skew);
                Log.debug("refreshed the access token for " + logged + expiryNote(outcome.record));
                if (outcome.message != null) {
                    Log.warn("the token response for " + logged + " was partly unusable (" + outcome.message
                            + "); the new token is used, the rest ignored");
                }
                if (outcome.noRefreshTokenInResponse && outcome.record.refreshToken() == null && !warnedNoRefreshToken) {
                    warnedNoRefreshToken = true;
                    Log.warn("the token response for " + logged + " had no refresh_token");
                }
                return state;
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
            case MISCONFIGURED:
                if (!outcome.message.equals(misconfigurationSaid)) {
                    misconfigurationSaid = outcome.message;
                    Log.error("the authorization server refused the refresh for " + logged + " because of the stored"
                            + " configuration: " + outcome.message + "; requests go out as the app built them, and"
                            + " refresh is retried with back-off");
                }
                backoff.failQuietly();
                return null;
            case REJECTED:
                Log.error("the authorization server rejected the refresh for " + logged + " (" + outcome.message
                        + "); sign in again: java -jar mcp-refresh.jar login " + logged
                        + " (or store a new refresh token with: java -jar mcp-refresh.jar add " + logged + " ...)");
                TokenRecord marked = current.record.toBuilder().needsLogin(true, outcome.message).build();
                return new TokenState(marked, skew);
            default:
                if (outcome.needsLogin) {
                    return null; // still marked; re-checked at most once a second until a login replaces it
                }
                backoff.fail(outcome.message);
                return null;
        }
    }

    private void resetBackoff() {
        backoff.reset();
        misconfigurationSaid = null;
    }

    private String expiryNote(TokenRecord r) {
        if (r.expiresAt() == null) {
            return " (expiry unknown: refreshing on 401 only)";
        }
        long millis = Math.max(0, r.expiresAt().toEpochMilli() - clock.millis());
        return " (expires in " + String.format(java.util.Locale.ROOT, "%.1f", millis / 1000.0) + " s)";
    }
}
