package dev.mcprefresh.core.jmx;

import dev.mcprefresh.core.session.Credentials;
import dev.mcprefresh.core.session.CredentialsRegistry;
import dev.mcprefresh.core.session.EntryStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** Reads an entry's {@link EntryStatus} afresh for each attribute, so a monitoring tool always sees the current one. */
final class CredentialsBean implements CredentialsMXBean {
    private final CredentialsRegistry registry;
    private final Credentials credentials;
    private final Clock clock;

    CredentialsBean(CredentialsRegistry registry, Credentials credentials, Clock clock) {
        this.registry = registry;
        this.credentials = credentials;
        this.clock = clock;
    }

    private EntryStatus status() {
        return registry.status(credentials);
    }

    private static String text(Object v) {
        return v == null ? "" : v.toString();
    }

    @Override
    public String getServerUrl() {
        return status().serverUrl();
    }

    @Override
    public String getIdentity() {
        return status().identity();
    }

    @Override
    public String getAccessTokenExpiresAt() {
        return text(status().accessTokenExpiresAt());
    }

    @Override
    public String getRefreshTokenExpiresAt() {
        return text(status().refreshTokenExpiresAt());
    }

    @Override
    public String getRefreshTokenExpirySource() {
        return text(status().refreshTokenExpirySource());
    }

    @Override
    public String getSessionEndsAt() {
        return text(status().sessionEndsAt());
    }

    @Override
    public String getNextKeepAlive() {
        return text(status().nextKeepAlive());
    }

    @Override
    public long getRefreshTokenSecondsLeft() {
        Instant end = status().refreshTokenExpiresAt();
        return end == null ? -1 : Math.max(0, Duration.between(clock.instant(), end).toSeconds());
    }

    @Override
    public int getLiveTransports() {
        return status().liveTransports();
    }

    @Override
    public long getRefreshCount() {
        return status().refreshCount();
    }

    @Override
    public String getLastRefresh() {
        return text(status().lastRefresh());
    }

    @Override
    public String getLastError() {
        return text(status().lastError());
    }

    @Override
    public boolean isNeedsLogin() {
        return status().needsLogin();
    }
}
