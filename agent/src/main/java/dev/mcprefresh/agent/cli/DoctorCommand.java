package dev.mcprefresh.agent.cli;

import dev.mcprefresh.core.config.Setting;
import dev.mcprefresh.core.config.Settings;
import dev.mcprefresh.core.doctor.Finding;
import dev.mcprefresh.core.doctor.Finding.Level;
import dev.mcprefresh.core.doctor.ServerChecks;
import dev.mcprefresh.core.doctor.StoredChecks;
import dev.mcprefresh.core.json.Json;
import dev.mcprefresh.core.oauth.AuthorizationServerMetadata;
import dev.mcprefresh.core.oauth.Discovery;
import dev.mcprefresh.core.oauth.DiscoveryException;
import dev.mcprefresh.core.oauth.OAuthHttp;
import dev.mcprefresh.core.oauth.TokenEndpointClient;
import dev.mcprefresh.core.session.Credentials;
import dev.mcprefresh.core.store.StoreException;
import dev.mcprefresh.core.store.TokenRecord;
import dev.mcprefresh.core.store.TokenStore;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * {@code doctor}: will refresh work for this MCP server, and if not, what to change. Each finding is ok, warn or
 * fail with a fix in plain words; exit 0 when nothing fails.
 */
final class DoctorCommand {
    private static final String HELP = String.join("\n",
            "usage: java -jar mcp-refresh.jar doctor <mcp-url> [--live] [--json] [--identity SUBJECT] [--store PATH]",
            "",
            "Checks the MCP server's OAuth setup for what keeps refresh from working: where its metadata is, whether",
            "offline_access and the refresh_token grant are offered, dynamic client registration, PKCE S256, and the",
            "stored credential. With --live (credentials in the store), makes one real refresh: measures the access",
            "and refresh token lifetimes, tells an idle lifetime (each refresh extends it; keep-alive covers it) from a",
            "session maximum (a fixed end) and stores what it learned for the agent, detects refresh token rotation, and",
            "checks that the MCP server accepts the new token. Exit 0 when refresh will work, 1 when it will not, 2 for a bad command line.");

    private final PrintStream out;
    private final List<Finding> findings = new ArrayList<>();

    DoctorCommand(PrintStream out) {
        this.out = out;
    }

    int run(String[] argv) throws InterruptedException {
        Args a = Args.parse(argv, 1, Set.of("store", "identity"), Set.of("live", "json", "help"));
        if (a.has("help")) {
            out.println(HELP);
            return 0;
        }
        URI url = CliInputs.httpUrl(a.single("<mcp-url>"), "<mcp-url>");
        Settings settings = Settings.load(null);
        OAuthHttp http = OAuthHttp.of(settings);
        AuthorizationServerMetadata meta = null;
        try {
            meta = new Discovery(http).discover(url);
        } catch (DiscoveryException e) {
            add("authorization server metadata", Level.FAIL, e.getMessage(), "serve RFC 9728 protected resource metadata"
                    + " at /.well-known/oauth-protected-resource naming the authorization server, and RFC 8414"
                    + " metadata at the authorization server");
        }
        TokenStore store = Cli.store(a, settings);
        TokenRecord record = null;
        Finding unreadable = null;
        try {
            record = StoredEntries.pick(store.read(), url.toString(), a.get("identity"), "doctor");
        } catch (StoreException e) {
            unreadable = new Finding("stored credential", Level.FAIL, e.getMessage(),
                    "fix or move the store file, then log in again");
        }
        if (meta != null) {
            findings.addAll(ServerChecks.of(meta, record)); // what the stored entry needs decides some levels
        }
        if (unreadable != null) {
            findings.add(unreadable);
        } else {
            findings.addAll(StoredChecks.of(record, Instant.now()));
            if (!a.has("live")) {
                new IdleChecks(findings::add).fromStore(record);
            }
        }
        if (a.has("live")) {
            if (record == null || record.refreshToken() == null && !record.clientCredentials()) {
                add("live refresh", Level.FAIL, "no stored refresh token to try",
                        "java -jar mcp-refresh.jar login " + url);
            } else {
                live(url, record, store, settings, http, meta);
            }
        }
        boolean works = findings.stream().noneMatch(f -> f.level() == Level.FAIL);
        if (a.has("json")) {
            printJson(url, works);
        } else {
            print(url, works);
        }
        return works ? 0 : 1;
    }

    /** One real refresh, exactly as the agent does it, then the new token against the MCP server. */
    private void live(URI url, TokenRecord before, TokenStore store, Settings settings, OAuthHttp http,
            AuthorizationServerMetadata meta) throws InterruptedException {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            Clock clock = Clock.systemUTC();
            // Read before the refresh, which may rotate the old token away: its end, to see whether refreshing moves it.
            IdleChecks.End oldEnd = IdleChecks.refreshTokenEnd(before, meta, new TokenEndpointClient(http, clock));
            Credentials credentials = new Credentials(before, store, new TokenEndpointClient(http, clock), clock,
                    settings.duration(Setting.REFRESH_SKEW_SECONDS), executor);
            boolean refreshed = credentials.refreshNow().get(settings.duration(Setting.LOCK_TIMEOUT_SECONDS).toSeconds()
                    + settings.duration(Setting.HTTP_TIMEOUT_SECONDS).toSeconds() + 5, TimeUnit.SECONDS);
            TokenRecord after = credentials.record();
            if (!refreshed || after.needsLogin()) {
                add("live refresh", Level.FAIL, after.needsLogin() ? "the authorization server rejected the refresh: "
                        + after.needsLoginReason() : "no new token (see the log line above)",
                        after.clientCredentials() ? "check the client's credentials, then java -jar mcp-refresh.jar"
                                + " add " + url + " --grant client_credentials ..."
                                : "java -jar mcp-refresh.jar login " + url);
                return;
            }
            long life = after.expiresAt() == null || after.updatedAt() == null ? -1
                    : Duration.between(after.updatedAt(), after.expiresAt()).toSeconds();
            add("live refresh", Level.OK, "a new access token was " + (after.clientCredentials() ? "minted" : "issued")
                    + " and stored" + (life >= 0 ? "; it lives about " + life + " s" : "; its lifetime was not stated"),
                    null);
            if (after.clientCredentials()) {
                checkAccepted(url, after); // no refresh token: nothing rotates, nothing idles out
                return;
            }
            boolean rotated = after.refreshToken() != null && !after.refreshToken().equals(before.refreshToken());
            add("refresh token rotation", Level.OK, rotated
                    ? "the server rotates refresh tokens (mcp-refresh stores each new one before using it)"
                    : "the server keeps the same refresh token", null);
            Instant newEnd = checkRefreshLifetime(after, meta, new TokenEndpointClient(http, clock));
            new IdleChecks(findings::add).fromRefresh(before, oldEnd == null ? null : oldEnd.at(), after, newEnd,
                    store);
            checkAccepted(url, after);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            add("live refresh", Level.FAIL, "the refresh did not finish (" + e.getClass().getSimpleName() + ")",
                    "check that the token endpoint is reachable");
        } finally {
            executor.shutdownNow();
        }
    }

    /**
     * How long the new refresh token lives: refresh_expires_in, else a JWT refresh token's exp, else RFC 7662
     * introspection (only at the token endpoint's own server).
     */
    private Instant checkRefreshLifetime(TokenRecord after, AuthorizationServerMetadata meta, TokenEndpointClient tokens) {
        IdleChecks.End end = IdleChecks.refreshTokenEnd(after, meta, tokens);
        Instant expiry = end == null ? null : end.at();
        if (expiry == null) {
            add("refresh token lifetime", Level.OK, "not stated by the server (no refresh_expires_in, not a JWT, no"
                    + " introspection)", null);
            return null;
        }
        long seconds = Duration.between(Instant.now(), expiry).toSeconds();
        String life = seconds < 120 ? seconds + " s" : seconds < 7200 ? seconds / 60 + " min" : seconds / 3600 + " h";
        // Under ten minutes, refresh dies in any pause of an app; under a day, overnight.
        Level level = seconds < 600 ? Level.FAIL : seconds < 24 * 3600 ? Level.WARN : Level.OK;
        add("refresh token lifetime", level, "about " + life + " (from " + end.source() + ")"
                        + (level != Level.OK ? "; an app idle for longer than that must log in again" : ""),
                level == Level.OK ? null : "on the authorization server, give refresh tokens a life of days, not"
                        + " minutes (and let each refresh extend it)");
        return expiry;
    }

    /** An MCP initialize request with the new token: anything but 401/403 means the server took the token. */
    private void checkAccepted(URI url, TokenRecord record) throws InterruptedException {
        String initialize = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"mcp-refresh-doctor\",\"version\":\"1\"}}}";
        try {
            HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                    .connectTimeout(Duration.ofSeconds(10)).build();
            HttpResponse<Void> r = client.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Bearer " + record.accessToken())
                    .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                    .POST(HttpRequest.BodyPublishers.ofString(initialize, StandardCharsets.UTF_8)).build(),
                    HttpResponse.BodyHandlers.discarding());
            int status = r.statusCode();
            boolean accepted = status != 401 && status != 403;
            add("MCP server accepts the refreshed token", accepted ? Level.OK : Level.FAIL,
                    "the MCP server answered " + status + " to an initialize request with it",
                    accepted ? null : "the token's audience or scope does not match what the MCP server expects: check"
                            + " the resource (RFC 8707) and scopes of the login, and clock skew on the server");
        } catch (java.io.IOException e) {
            add("MCP server accepts the refreshed token", Level.FAIL, "the MCP server is unreachable ("
                    + e.getClass().getSimpleName() + ")", "check the MCP URL");
        }
    }

    private void add(String check, Level level, String detail, String fix) {
        findings.add(new Finding(check, level, detail, fix));
    }

    private void print(URI url, boolean works) {
        out.println("mcp-refresh doctor " + url);
        for (Finding f : findings) {
            out.printf("  [%-4s] %s: %s%n", f.level(), f.check(), f.detail());
            if (f.fix() != null) {
                out.println("         fix: " + f.fix());
            }
        }
        out.println(works ? "refresh will work." : "refresh will NOT work until the failures above are fixed.");
    }

    private void printJson(URI url, boolean works) {
        List<Object> list = new ArrayList<>();
        for (Finding f : findings) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("check", f.check());
            o.put("level", f.level().name().toLowerCase(java.util.Locale.ROOT));
            o.put("detail", f.detail());
            o.put("fix", f.fix());
            list.add(o);
        }
        Map<String, Object> top = new LinkedHashMap<>();
        top.put("server_url", url.toString());
        top.put("refresh_will_work", works);
        top.put("findings", list);
        out.print(new String(Json.write(top), StandardCharsets.UTF_8));
    }
}
