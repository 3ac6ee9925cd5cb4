package dev.mcprefresh.core.session;

import dev.mcprefresh.core.store.TokenRecord;

/** What one refresh under the store lock came to; {@link Credentials} turns it into log lines and state. */
final class RefreshOutcome {
    enum Kind { ADOPTED, REFRESHED, REJECTED, DEFERRED, MISCONFIGURED, REPLACED, FAILED }

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

    static RefreshOutcome failed(String message, boolean needsLogin) {
        return new RefreshOutcome(Kind.FAILED, null, message, needsLogin, false);
    }
}
