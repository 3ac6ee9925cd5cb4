package dev.mcprefresh.agent.cli;

import dev.mcprefresh.core.doctor.Finding;
import dev.mcprefresh.core.doctor.Finding.Level;
import dev.mcprefresh.core.oauth.AuthorizationServerMetadata;
import dev.mcprefresh.core.oauth.JwtExpiry;
import dev.mcprefresh.core.oauth.TokenEndpointClient;
import dev.mcprefresh.core.session.RefreshDeadline;
import dev.mcprefresh.core.session.RefreshLifetime;
import dev.mcprefresh.core.session.ServerMatcher;
import dev.mcprefresh.core.store.TokenRecord;
import dev.mcprefresh.core.store.TokenStore;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * doctor's findings on idle apps: how long a refresh token may sit unused, whether the grant has a fixed end, and what
 * keep-alive covers. With {@code --live}, the ends of the refresh tokens before and after the one real refresh tell
 * an idle lifetime from a session maximum ({@link RefreshLifetime}); what is learned is stored for the agent.
 */
final class IdleChecks {
    private final Consumer<Finding> findings;

    IdleChecks(Consumer<Finding> findings) {
        this.findings = findings;
    }

    /** Without a refresh: what the stored entry tells. */
    void fromStore(TokenRecord r) {
        if (r == null || r.refreshToken() == null || r.needsLogin()) {
            return;
        }
        RefreshDeadline deadline = RefreshDeadline.of(r);
        if (deadline == null) {
            add("idle apps", Level.WARN, "how long the server lets a refresh token sit unused is unknown, so an app"
                    + " idle longer than that loses its grant", "measure it with: java -jar mcp-refresh.jar doctor "
                    + r.serverUrl() + " --live (or store the server's setting with login/add --refresh-idle 30m)");
        } else if (r.sessionEndsAt() != null) {
            add("idle apps", Level.WARN, "the grant ends at " + r.sessionEndsAt() + " whatever is refreshed (the"
                    + " server's session maximum)", "log in again before then; ask the server's owner for a longer"
                    + " session maximum");
        } else {
            add("idle apps", Level.OK, "a running app's agent refreshes the grant before its refresh token ends unused"
                    + " (end from " + deadline.source().description() + ")", null);
        }
    }

    /** A refresh token's end and where it was read. */
    record End(Instant at, String source) {
    }

    /** The end of {@code r}'s refresh token: stated, its JWT exp, else RFC 7662 introspection at its own server. */
    static End refreshTokenEnd(TokenRecord r, AuthorizationServerMetadata meta, TokenEndpointClient tokens) {
        if (r.refreshToken() == null) {
            return null;
        }
        if (r.refreshExpiresAt() != null) {
            return new End(r.refreshExpiresAt(), "refresh_expires_in");
        }
        Instant exp = JwtExpiry.of(r.refreshToken());
        if (exp != null) {
            return new End(exp, "the refresh token's exp");
        }
        if (meta != null && meta.introspectionEndpoint() != null
                && ServerMatcher.sameOrigin(URI.create(meta.introspectionEndpoint()), r.tokenEndpoint())) {
            Instant introspected = tokens.refreshTokenExpiry(r, URI.create(meta.introspectionEndpoint()));
            return introspected == null ? null : new End(introspected, "token introspection");
        }
        return null;
    }

    /**
     * After the live refresh: the old token's end ({@code oldEnd}, read before the refresh) against the new one's.
     * A sliding lifetime is stored as the entry's idle lifetime, a fixed one as its session end.
     */
    void fromRefresh(TokenRecord before, Instant oldEnd, TokenRecord after, Instant newEnd, TokenStore store) {
        RefreshLifetime m = RefreshLifetime.measure(before.updatedAt(), oldEnd, after.updatedAt(), newEnd);
        switch (m.kind()) {
            case SLIDING:
                boolean coveredByServer = RefreshDeadline.of(after) != null
                        && RefreshDeadline.of(after).source() != RefreshDeadline.Source.STORED_IDLE;
                if (!coveredByServer && m.lifeSeconds() > 0) {
                    save(store, after, b -> b.refreshIdleSeconds(m.lifeSeconds()).sessionEndsAt(null));
                }
                add("refresh token idle lifetime", m.lifeSeconds() < 600 ? Level.WARN : Level.OK, "about "
                        + human(m.lifeSeconds()) + ", extended by each refresh: a running app's agent refreshes an idle"
                        + " grant before it ends" + (coveredByServer ? "" : " (stored for the agent)"),
                        m.lifeSeconds() < 600 ? "an app whose JVM is stopped for longer than that must log in"
                                + " again; on the authorization server, give refresh tokens an idle lifetime of days"
                                : null);
                break;
            case FIXED:
                save(store, after, b -> b.sessionEndsAt(m.end()));
                add("session maximum", Level.WARN, "the refresh token's end (" + m.end() + ", in "
                        + human(Duration.between(after.updatedAt(), m.end()).toSeconds()) + ") did not move with the"
                        + " refresh: the grant ends then whatever is refreshed (stored for the agent, which warns"
                        + " ahead of it)", "log in again before then; ask the server's owner for a longer session"
                        + " maximum");
                break;
            default:
                if (m.lifeSeconds() >= 0 && newEnd != null) {
                    add("refresh token idle lifetime", Level.OK, "the new refresh token lives about "
                            + human(m.lifeSeconds()) + "; whether refreshing extends it cannot be told from one"
                            + " refresh so soon after the last (run doctor --live again in a minute)", null);
                }
        }
    }

    private static void save(TokenStore store, TokenRecord after, java.util.function.UnaryOperator<TokenRecord.Builder> change) {
        store.update(contents -> {
            TokenRecord now = contents.get(after.id());
            if (now != null) {
                contents.put(change.apply(now.toBuilder()).build());
            }
            return null;
        });
    }

    private void add(String check, Level level, String detail, String fix) {
        findings.accept(new Finding(check, level, detail, fix));
    }

    static String human(long seconds) {
        return seconds < 120 ? seconds + " s" : seconds < 7200 ? seconds / 60 + " min" : seconds / 3600 + " h";
    }
}
