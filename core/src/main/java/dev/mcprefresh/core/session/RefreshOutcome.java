package dev.mcprefresh.core.session;

import dev.mcprefresh.core.store.TokenRecord;

/** What one refresh under the store lock came to; {@link Credentials} turns it into log lines and state. */
final class RefreshOutcome {
    enum Kind { ADOPTED, REFRESHED, UNSAVED, REJECTED, DEFERRED, MISCONFIGURED, REPLACED, STORE_UNAVAILABLE, FAILED }

    final Kind kind;
    final TokenRecord record;
    final String message;
    final boolean needsLogin;
    final boolean noRefreshTokenInResponse;

    private RefreshOutcome(Kind kind, TokenRecord record, String message, boolean needsLogin, boolean noRefresh) {
        this.kind = kind;
        this.record = record;
        this.message = message;
        this.needsLogin = needsLogin;
        this.noRefreshTokenInResponse = noRefresh;
    }

    static RefreshOutcome adopted(TokenRecord r) {
        return new RefreshOutcome(Kind.ADOPTED, r, null, false, false);
    }

    static RefreshOutcome refreshed(TokenRecord r, boolean noRefreshToken, String note) {
        return new RefreshOutcome(Kind.REFRESHED, r, note, false, noRefreshToken);
    }

    /** The server answered with {@code r}, and the store could not be written ({@code why}). */
    static RefreshOutcome unsaved(TokenRecord r, String why) {
        return new RefreshOutcome(Kind.UNSAVED, r, why, false, false);
    }

    static RefreshOutcome rejected(String message) {
        return new RefreshOutcome(Kind.REJECTED, null, message, true, false);
    }

    static RefreshOutcome replaced() {
        return new RefreshOutcome(Kind.REPLACED, null, null, false, false);
    }

    static RefreshOutcome misconfigured(String message) {
        return new RefreshOutcome(Kind.MISCONFIGURED, null, message, false, false);
    }

    static RefreshOutcome deferred(String message) {
        return new RefreshOutcome(Kind.DEFERRED, null, message, false, false);
    }

    /** Another process found the grant dead and marked {@code onDisk}: this JVM takes up the mark. */
    static RefreshOutcome markedElsewhere(TokenRecord onDisk) {
        return new RefreshOutcome(Kind.FAILED, onDisk, null, true, false);
    }

    /** The store could not be reached (said by the store once per outage): no refresh without its lock. */
    static RefreshOutcome storeUnavailable(String message) {
        return new RefreshOutcome(Kind.STORE_UNAVAILABLE, null, message, false, false);
    }

    static RefreshOutcome failed(String message, boolean needsLogin) {
        return new RefreshOutcome(Kind.FAILED, null, message, needsLogin, false);
    }
}
