package dev.mcprefresh.agent.cli;

import dev.mcprefresh.core.config.Settings;
import dev.mcprefresh.core.json.Json;
import dev.mcprefresh.core.session.KeepAlivePlan;
import dev.mcprefresh.core.session.RefreshDeadline;
import dev.mcprefresh.core.store.StoreContents;
import dev.mcprefresh.core.store.TokenRecord;
import dev.mcprefresh.core.store.FileTokenStore;
import dev.mcprefresh.core.store.TokenStore;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code status}: what the store holds, per server, without a single token value. */
final class StatusCommand {
    private static final String HELP = String.join("\n",
            "usage: java -jar mcp-refresh.jar status [--json] [--store PATH]",
            "",
            "Lists each stored MCP server and identity (the user whose grant it is): client id, when its access token expires, whether a refresh token is held",
            "and when it dies if unused (where the server states it, or --refresh-idle / doctor --live stored it), when a running app's agent",
            "refreshes it to keep an idle grant alive, and whether it needs a new login. Token values are never shown.");

    private final PrintStream out;

    StatusCommand(PrintStream out) {
        this.out = out;
    }

    int run(String[] argv) {
        Args a = Args.parse(argv, 1, Set.of("store"), Set.of("json", "help"));
        if (a.has("help")) {
            out.println(HELP);
            return 0;
        }
        if (!a.positional().isEmpty()) {
            throw new Args.UsageException("status takes no arguments");
        }
        TokenStore store = Cli.store(a, Settings.load(null));
        StoreContents contents = store.read();
        Instant now = Instant.now();
        if (a.has("json")) {
            List<Object> servers = new ArrayList<>();
            for (TokenRecord r : contents.records()) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("server_url", r.serverUrl());
                o.put("issuer", r.issuer());
                o.put("subject", r.subject());
                o.put("display_name", r.identity().displayName());
                o.put("client_id", r.clientId());
                o.put("grant_type", r.grantType());
                o.put("token_endpoint_auth_method", r.authMethod());
                o.put("token_endpoint", r.tokenEndpoint());
                o.put("access_token_present", r.accessToken() != null);
                o.put("expires_at", r.expiresAt() == null ? null : r.expiresAt().toString());
                o.put("access_token_expired", r.expiresAt() != null && !now.isBefore(r.expiresAt()));
                o.put("refresh_token_present", r.refreshToken() != null);
                o.put("refresh_expires_at", r.refreshExpiresAt() == null ? null : r.refreshExpiresAt().toString());
                RefreshDeadline deadline = RefreshDeadline.of(r);
                o.put("refresh_deadline", deadline == null ? null : deadline.at().toString());
                o.put("refresh_deadline_source", deadline == null ? null : deadline.source().description());
                o.put("refresh_idle_seconds", r.refreshIdleSeconds());
                o.put("session_ends_at", r.sessionEndsAt() == null ? null : r.sessionEndsAt().toString());
                long[] keepAlive = KeepAlivePlan.rangeMillis(r, now.toEpochMilli());
                o.put("next_keepalive_from", keepAlive == null ? null : Instant.ofEpochMilli(keepAlive[0]).toString());
                o.put("next_keepalive_until", keepAlive == null ? null : Instant.ofEpochMilli(keepAlive[1]).toString());
                o.put("needs_login", r.needsLogin());
                servers.add(o);
            }
            Map<String, Object> top = new LinkedHashMap<>();
            top.put("store", store.location());
            top.put("store_kind", store.kind());
            top.put("store_protection", store.protection());
            top.put("servers", servers);
            out.print(new String(Json.write(top), StandardCharsets.UTF_8));
            return 0;
        }
        out.println("store: " + store.location() + " (" + store.kind() + "; secrets: " + store.protection() + ")");
        if (contents.records().isEmpty()) {
            out.println("no servers stored; add one with: java -jar mcp-refresh.jar add <mcp-url> ...");
            return 0;
        }
        String format = "%-40s %-24s %-20s %-22s %-24s %-26s %s%n";
        out.printf(format, "SERVER", "IDENTITY", "CLIENT", "ACCESS TOKEN", "REFRESH TOKEN", "KEEP-ALIVE (APP RUNNING)",
                "NEEDS LOGIN");
        for (TokenRecord r : contents.records()) {
            out.printf(format, r.serverUrl(), r.identity().label(), r.clientId(), access(r, now), refresh(r, now),
                    keepAlive(r, now), r.needsLogin() ? "yes: java -jar mcp-refresh.jar login " + r.serverUrl() : "no");
        }
        for (TokenRecord r : contents.records()) {
            if (r.sessionEndsAt() != null && now.isBefore(r.sessionEndsAt())) {
                out.println("note: the grant for " + r.serverUrl() + " as " + r.identity().label() + " ends at "
                        + r.sessionEndsAt() + " (in " + human(Duration.between(now, r.sessionEndsAt()).toSeconds())
                        + ") whatever is refreshed; log in again before then");
            }
        }
        return 0;
    }

    private static String access(TokenRecord r, Instant now) {
        if (r.accessToken() == null) {
            return "none";
        }
        if (r.expiresAt() == null) {
            return "expiry unknown";
        }
        long s = Duration.between(now, r.expiresAt()).toSeconds();
        return s <= 0 ? "expired" : "expires in " + human(s);
    }

    /** Whether a refresh token is held and when it dies if unused, where known. */
    private static String refresh(TokenRecord r, Instant now) {
        if (r.clientCredentials()) {
            return "none: minted (" + (r.clientKey() != null ? "private key" : "client secret") + ")";
        }
        if (r.refreshToken() == null) {
            return "absent";
        }
        RefreshDeadline deadline = RefreshDeadline.of(r);
        if (deadline == null) {
            return "present";
        }
        long s = Duration.between(now, deadline.at()).toSeconds();
        String kind = deadline.source() == RefreshDeadline.Source.STORED_IDLE ? "idle end " : "";
        return s <= 0 ? (kind.isEmpty() ? "expired" : "idle past its end") : "present, " + kind + "in " + human(s);
    }

    /** When a running app's agent refreshes this entry with no request needed, or why it does not. */
    private static String keepAlive(TokenRecord r, Instant now) {
        long[] range = KeepAlivePlan.rangeMillis(r, now.toEpochMilli());
        if (range != null) {
            long from = Math.max(0, (range[0] - now.toEpochMilli()) / 1000);
            long until = Math.max(0, (range[1] - now.toEpochMilli()) / 1000);
            return from == until ? (from == 0 ? "due now" : "in " + human(from))
                    : "in " + human(from) + " to " + human(until);
        }
        if (r.refreshToken() == null || r.needsLogin()) {
            return "-";
        }
        if (RefreshDeadline.of(r) == null) {
            return "none: idle life unknown";
        }
        return r.sessionEndsAt() != null ? "none: fixed end" : "none";
    }

    private static String human(long seconds) {
        if (seconds < 120) {
            return seconds + " s";
        }
        if (seconds < 7200) {
            return seconds / 60 + " min";
        }
        return seconds / 3600 + " h";
    }
}
