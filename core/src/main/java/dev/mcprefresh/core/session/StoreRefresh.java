package dev.mcprefresh.core.session;

import dev.mcprefresh.core.oauth.TokenEndpointClient;
import dev.mcprefresh.core.oauth.TokenEndpointException;
import dev.mcprefresh.core.oauth.TokenResponse;
import dev.mcprefresh.core.store.StoreException;
import dev.mcprefresh.core.store.StoreUnavailableException;
import dev.mcprefresh.core.store.TokenRecord;
import dev.mcprefresh.core.store.TokenStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * One refresh of one store entry under the store's cross-process lock: re-read the entry, decide
 * ({@link RefreshDecision}), ask the token endpoint only if still needed, and write the answer before anyone uses it.
 * A rotated refresh token that cannot be written is kept in memory ({@link UnsavedRotation}) and is the one the next
 * refresh presents.
 */
final class StoreRefresh {
    private final String entryId;
    private final String logged;
    private final TokenStore store;
    private final TokenEndpointClient tokenClient;
    private final Clock clock;
    private final Duration skew;
    private final UnsavedRotation unsaved = new UnsavedRotation();
    private final ExitGate exitGate;

    StoreRefresh(String entryId, String logged, TokenStore store, TokenEndpointClient tokenClient, Clock clock,
            Duration skew, ExitGate exitGate) {
        this.exitGate = exitGate;
        this.entryId = entryId;
        this.logged = logged;
        this.store = store;
        this.tokenClient = tokenClient;
        this.clock = clock;
        this.skew = skew;
    }

    /**
     * Writes a rotation the store could not take back as soon as it can (under the entry's lock, only while the store
     * still holds the token it was rotated from): until then another process sharing the store would present the
     * superseded refresh token. True when nothing is waiting any more.
     */
    synchronized boolean writeBack() {
        TokenRecord pending = unsaved.pending();
        if (pending == null) {
            return true;
        }
        try {
            store.updateEntry(entryId, contents -> unsaved.reconcile(contents, entryId, pending));
            unsaved.settled(pending);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    synchronized RefreshOutcome run(TokenRecord mine, RefreshReason reason) {
        TokenRecord[] answered = new TokenRecord[2]; // the server's answer and what it replaced, should the write fail
        TokenRecord pending = unsaved.pending();
        try {
            RefreshOutcome outcome = store.updateEntry(entryId, contents -> {
                TokenRecord onDisk = unsaved.reconcile(contents, entryId, pending);
                switch (RefreshDecision.decide(onDisk, mine, reason, clock.millis(), skew)) {
                    case GONE:
                        return RefreshOutcome.failed("the store no longer has the entry for " + logged + " as "
                                + mine.identity().label(), false);
                    case OTHER_USER:
                        return RefreshOutcome.failed("the store entry for " + logged + " now names another user",
                                false);
                    case REPLACED:
                        return RefreshOutcome.replaced();
                    case ADOPT:
                        return RefreshOutcome.adopted(onDisk);
                    case NEEDS_LOGIN:
                        return RefreshOutcome.markedElsewhere(onDisk);
                    default:
                        break;
                }
                try {
                    // Between the server rotating the refresh token and our fsync, a crash loses the new one:
                    // load the writer's classes now so that window holds no class loading.
                    // A store that can never be written (a symbolic link) is said before a rotation is spent on it.
                    store.warmUpWriter();
                    if (exitGate.closed()) {
                        // The JVM is ending: a rotation begun now could be cut short after the server answered.
                        return RefreshOutcome.storeUnavailable("the JVM is ending"); // quiet: no WARN at exit
                    }
                    Instant at = clock.instant();
                    TokenResponse response = tokenClient.refresh(onDisk);
                    answered[1] = onDisk;
                    TokenRecord updated = SessionEnd.learn(onDisk, response.applyTo(onDisk, at));
                    answered[0] = updated;
                    // Written and fsync'd before anyone uses the new token: a process that exits right after its
                    // request cannot take the only copy of a rotated refresh token with it.
                    contents.put(updated);
                    return RefreshOutcome.refreshed(updated, response.refreshToken() == null, response.note());
                } catch (TokenEndpointException e) {
                    return refused(e, onDisk, reason, answered, contents);
                }
            });
            unsaved.settled(pending); // written back, or superseded by what the store now holds
            return outcome;
        } catch (RuntimeException | Error e) { // an Error too: after the server's answer, memory is the only copy
            String why = e instanceof StoreException ? e.getMessage() : e.getClass().getSimpleName();
            if (answered[0] != null) {
                // The server has answered and may have rotated the refresh token: memory is the only copy left, and
                // the one the next refresh presents (the store's is superseded: reuse detection would end the grant).
                unsaved.keep(answered[0], answered[1]);
                return RefreshOutcome.unsaved(answered[0], why);
            }
            if (!(e instanceof StoreException)) {
                throw e;
            }
            if (e instanceof StoreUnavailableException) {
                return RefreshOutcome.storeUnavailable(e.getMessage());
            }
            return RefreshOutcome.failed(e.getMessage(), false);
        }
    }

    private RefreshOutcome refused(TokenEndpointException e, TokenRecord onDisk, RefreshReason reason,
            TokenRecord[] answered, dev.mcprefresh.core.store.StoreContents contents) {
        if (e.rotatedRefreshToken() != null) {
            // An unusable answer that still rotated the refresh token: the old one may be dead now.
            answered[1] = onDisk;
            answered[0] = onDisk.toBuilder().refreshToken(e.rotatedRefreshToken()).build();
            contents.put(answered[0]);
        }
        if (e.needsLogin() && reason != RefreshReason.NEEDED
                && new TokenState(onDisk, skew).usableAt(clock.millis())) {
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
}
