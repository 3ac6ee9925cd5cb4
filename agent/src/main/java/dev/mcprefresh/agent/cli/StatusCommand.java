package dev.mcprefresh.agent.cli;

import dev.mcprefresh.core.json.Json;
import dev.mcprefresh.core.store.StoreContents;
import dev.mcprefresh.core.store.TokenRecord;
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
            "(and its expiry when known), and whether it needs a new login. Token values are never shown.");

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
        TokenStore store = new TokenStore(Cli.storePath(a), Duration.ofSeconds(30));
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
                o.put("token_endpoint", r.tokenEndpoint());
                o.put("access_token_present", r.accessToken() != null);
                o.put("expires_at", r.expiresAt() == null ? null : r.expiresAt().toString());
                o.put("access_token_expired", r.expiresAt() != null && !now.isBefore(r.expiresAt()));
                o.put("refresh_token_present", r.refreshToken() != null);
                o.put("refresh_expires_at", r.refreshExpiresAt() == null ? null : r.refreshExpiresAt().toString());
                o.put("needs_login", r.needsLogin());
                servers.add(o);
            }
            Map<String, Object> top = new LinkedHashMap<>();
            top.put("store", store.path().toString());
            top.put("servers", servers);
            out.print(new String(Json.write(top), StandardCharsets.UTF_8));
            return 0;
        }
        out.println("store: " + store.path());
        if (contents.records().isEmpty()) {
            out.println("no servers stored; add one with: java -jar mcp-refresh.jar add <mcp-url> ...");
            return 0;
        }
        String format = "%-40s %-24s %-20s %-22s %-18s %s%n";
        out.printf(format, "SERVER", "IDENTITY", "CLIENT", "ACCESS TOKEN", "REFRESH TOKEN", "NEEDS LOGIN");
        for (TokenRecord r : contents.records()) {
            out.printf(format, r.serverUrl(), r.identity().label(), r.clientId(), access(r, now), refresh(r, now),
                    r.needsLogin() ? "yes: java -jar mcp-refresh.jar login " + r.serverUrl() : "no");
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

    private static String refresh(TokenRecord r, Instant now) {
        if (r.refreshToken() == null) {
            return "absent";
        }
        if (r.refreshExpiresAt() == null) {
            return "present";
        }
        long s = Duration.between(now, r.refreshExpiresAt()).toSeconds();
        return s <= 0 ? "expired" : "present, " + human(s);
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
