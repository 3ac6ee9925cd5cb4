package dev.mcprefresh.core.session;

import dev.mcprefresh.core.log.Log;
import dev.mcprefresh.core.log.LoggedUrl;
import dev.mcprefresh.core.oauth.TokenEndpointClient;
import dev.mcprefresh.core.store.TokenRecord;
import dev.mcprefresh.core.store.TokenStore;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

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
    static final long WRITE_BACK_FIRST_MILLIS = 250;
    static final long WRITE_BACK_MAX_MILLIS = 5_000;

    private final String serverUrl;
    /** The server URL as log lines show it: without userinfo, query and fragment. */
    private final String logged;
    private final String entryId;
    private final Clock clock;
    private final Executor executor;
    /** Counts this JVM's refreshes for its exit, which waits for them (see {@link ExitGate}). */
    private final ExitGate exitGate;
    private final StoreRefresh storeRefresh;
    private final RefreshReport report;
    /** Told after every refresh, whatever came of it (the keep-alive plan, the MBean); null for none. */
    private final Consumer<Credentials> afterRefresh;

    private volatile TokenState current;
    private final AtomicReference<CompletableFuture<TokenState>> inFlight = new AtomicReference<>();
    /** Why the refresh in flight runs. */
    private volatile RefreshReason flightReason;
    private volatile long lastNeedsLoginCheckMillis;
    /** The state whose early refresh the server refused: it is used until it expires, then refreshed again. */
    private volatile TokenState earlyRefreshRefusedFor;
    private volatile String refusedHeader;
    private volatile long refusedUntilMillis;
    private volatile boolean warnedFreshTokenRejected;
    /**
     * A header the MCP server answered 401 to when no new token could be had (the grant needs a new login): it is
     * never served again, so an app that signed the same user in itself sends its own header, not this dead one.
     */
    private volatile String rejectedHeader;

    public Credentials(TokenRecord initial, TokenStore store, TokenEndpointClient tokenClient, Clock clock,
            Duration skew, Executor executor) {
        this(initial, store, tokenClient, clock, skew, executor, null, new ExitGate());
    }

    Credentials(TokenRecord initial, TokenStore store, TokenEndpointClient tokenClient, Clock clock, Duration skew,
            Executor executor, Consumer<Credentials> afterRefresh, ExitGate exitGate) {
        this.serverUrl = initial.serverUrl();
        this.logged = LoggedUrl.of(serverUrl);
        this.entryId = initial.id();
        this.clock = clock;
        this.executor = executor;
        this.current = new TokenState(initial, skew);
        this.exitGate = exitGate;
        this.storeRefresh = new StoreRefresh(entryId, logged, store, tokenClient, clock, skew, exitGate);
        this.report = new RefreshReport(logged, clock, skew);
        this.afterRefresh = afterRefresh;
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
            return servable(s);
        }
        if (s.usableAt(now) && servable(s) != null) {
            if (earlyRefreshRefusedFor != s) {
                refresh(s, RefreshReason.EARLY); // early refresh in the background; this request still goes out with the valid token
            }
            return s.header;
        }
        return null;
    }

    /** A header after refreshing (or adopting what another process stored); null when none can be had. */
    public CompletableFuture<String> freshHeader() {
        TokenState s = current;
        if (s.usableAt(clock.millis()) && clock.millis() < s.refreshAtMillis && servable(s) != null) {
            return CompletableFuture.completedFuture(s.header);
        }
        // For a rejected header the entry needs a login: the store is looked at again at most once a second.
        return refresh(s, RefreshReason.NEEDED)
                .thenApply(n -> n != null && n.usableAt(clock.millis()) ? servable(n) : null);
    }

    /** {@code s}'s header, or null when the MCP server rejected it and no new token could be had. */
    private String servable(TokenState s) {
        String rejected = rejectedHeader;
        return rejected != null && rejected.equals(s.header) ? null : s.header;
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
        return refresh(s, RefreshReason.NEEDED).thenApply(n -> {
            if (n == null || n.header == null || n.header.equals(sentHeader)) {
                TokenState after = current;
                if (after.record.needsLogin() && sentHeader.equals(after.header)) {
                    rejectedHeader = sentHeader; // rejected by the server, not refreshable: no longer sent
                }
                return null;
            }
            return n.header;
        });
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
        return refresh(s, RefreshReason.NEEDED)
                .thenApply(n -> n != null && n != s && n.header != null && !n.record.sameTokens(s.record));
    }

    /**
     * The next keep-alive refresh, as planned now ({@code random} in [0, 1) picks the point in the window), or
     * {@link KeepAlivePlan#NONE}: no deadline known, a fixed end, a login needed. Never before the back-off allows,
     * nor, where the server refused to refresh a valid token, before the token expires.
     */
    long nextKeepAliveMillis(double random) {
        TokenState s = current;
        long at = KeepAlivePlan.nextMillis(s.record, clock.millis(), random);
        if (at == KeepAlivePlan.NONE) {
            return at;
        }
        if (earlyRefreshRefusedFor == s) {
            at = Math.max(at, s.expiresAtMillis); // the server refreshes only expired tokens: right after expiry
        }
        return Math.max(at, report.backoff().retryNotBeforeMillis());
    }

    /** A keep-alive is due: one refresh through the usual single-flight, cross-process path. */
    CompletableFuture<TokenState> keepAliveRefresh() {
        return refresh(current, RefreshReason.KEEP_ALIVE);
    }

    /** The JVM is ending: a rotation the store has not taken gets one last try. True when none is left unsaved. */
    boolean writeBackBeforeExit() {
        return storeRefresh.writeBack();
    }

    /** What happened so far, for operators (no token in any of it). */
    RefreshReport report() {
        return report;
    }

    /** The record as this JVM last saw it (never logged: it holds tokens). */
    public TokenRecord record() {
        return current.record;
    }

    private CompletableFuture<TokenState> refresh(TokenState stale, RefreshReason reason) {
        while (true) {
            CompletableFuture<TokenState> running = inFlight.get();
            if (running != null) {
                if (reason == RefreshReason.NEEDED && flightReason == RefreshReason.KEEP_ALIVE) {
                    // A keep-alive may take up a refresh another process made, whose access token has expired: a
                    // request waiting for a token then asks again.
                    return running.thenCompose(n -> n != null && n.usableAt(clock.millis())
                            ? CompletableFuture.completedFuture(n) : refresh(current, RefreshReason.NEEDED));
                }
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
            } else if (report.backoff().waiting(nowMillis)) {
                return CompletableFuture.completedFuture(null); // backing off after a transient failure
            }
            CompletableFuture<TokenState> mine = new CompletableFuture<>();
            if (inFlight.compareAndSet(null, mine)) {
                flightReason = reason;
                try {
                    executor.execute(() -> runRefresh(stale, reason, mine));
                } catch (RuntimeException e) {
                    inFlight.set(null);
                    mine.complete(null);
                }
                return mine;
            }
        }
    }

    /**
     * Tries to write an unsaved rotation back after {@code delayMillis}, doubling to {@link #WRITE_BACK_MAX_MILLIS},
     * until it is written or superseded: the sooner it is back, the smaller the window in which another process
     * presents the superseded refresh token.
     */
    private void writeBackLater(long delayMillis) {
        try {
            CompletableFuture.runAsync(() -> {
                if (!exitGate.enter()) {
                    return; // the exit writes it back itself
                }
                boolean written;
                try {
                    written = storeRefresh.writeBack();
                } finally {
                    exitGate.leave();
                }
                if (!written) {
                    writeBackLater(Math.min(delayMillis * 2, WRITE_BACK_MAX_MILLIS));
                }
            }, CompletableFuture.delayedExecutor(delayMillis, java.util.concurrent.TimeUnit.MILLISECONDS, executor));
        } catch (RuntimeException e) {
            // no thread to do it on: the next refresh writes it back
        }
    }

    private void runRefresh(TokenState stale, RefreshReason reason, CompletableFuture<TokenState> result) {
        TokenState outcome = null;
        boolean entered = exitGate.enter();
        try {
            if (!entered) {
                return; // the JVM is ending: the request goes out with the token it has
            }
            RefreshOutcome o = storeRefresh.run(stale.record, reason);
            if (o.kind == RefreshOutcome.Kind.DEFERRED) {
                earlyRefreshRefusedFor = stale;
            } else if (o.kind == RefreshOutcome.Kind.UNSAVED) {
                writeBackLater(WRITE_BACK_FIRST_MILLIS);
            }
            outcome = report.apply(o, stale, reason);
        } catch (Throwable t) {
            Log.warn("refresh for " + logged + " failed unexpectedly; requests go out as the app built them", t);
        } finally {
            if (entered) {
                exitGate.leave(); // before the future completes: app code may run on this thread from here
            }
            if (outcome != null) {
                current = outcome;
            }
            inFlight.set(null);
            result.complete(outcome != null && outcome.header != null ? outcome : null);
            if (afterRefresh != null) {
                afterRefresh.accept(this);
            }
        }
    }
}
