package dev.mcprefresh.agent.cli;

import dev.mcprefresh.core.config.Setting;
import dev.mcprefresh.core.config.Settings;
import dev.mcprefresh.core.oauth.OAuthHttp;
import dev.mcprefresh.core.oauth.TokenEndpointClient;
import dev.mcprefresh.core.session.Credentials;
import dev.mcprefresh.core.store.TokenRecord;
import dev.mcprefresh.core.store.TokenStore;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** {@code refresh}: refresh one stored server's access token now, exactly as the agent would (lock, re-read, write). */
final class RefreshCommand {
    private static final String HELP = String.join("\n",
            "usage: java -jar mcp-refresh.jar refresh <mcp-url> [--identity SUBJECT] [--store PATH]",
            "",
            "Refreshes the stored access token of <mcp-url> now, under the store's lock, so running apps pick up the",
            "new token. Useful to check that refresh works, or to renew before a long idle period. Exit 0 when a new",
            "token was stored, 1 otherwise.");

    private final PrintStream out;
    private final PrintStream err;

    RefreshCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(String[] argv) throws InterruptedException {
        Args a = Args.parse(argv, 1, Set.of("store", "identity"), Set.of("help"));
        if (a.has("help")) {
            out.println(HELP);
            return 0;
        }
        String url = a.single("<mcp-url>");
        Settings settings = Settings.load(null);
        TokenStore store = Cli.store(a, settings);
        TokenRecord record = StoredEntries.pick(store.read(), url, a.get("identity"), "refresh");
        if (record == null) {
            return Cli.noStoredServer(err, "refresh", url, store);
        }
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            Clock clock = Clock.systemUTC();
            Credentials credentials = new Credentials(record, store, new TokenEndpointClient(
                    OAuthHttp.of(settings), clock), clock,
                    settings.duration(Setting.REFRESH_SKEW_SECONDS), executor);
            boolean refreshed = credentials.refreshNow().get(2 * settings.duration(Setting.LOCK_TIMEOUT_SECONDS)
                    .toSeconds() + 5, TimeUnit.SECONDS);
            if (!refreshed) {
                err.println("mcp-refresh refresh: no new token for " + url + " (the log line above says why)");
                return 1;
            }
            TokenRecord saved = store.read().get(record.id());
            if (saved == null || !saved.sameTokens(credentials.record())) {
                // This process ends now: a rotated refresh token that only it holds ends with it.
                err.println("mcp-refresh refresh: the new tokens for " + url + " could not be saved in " + store.location()
                        + " (the log line above says why); if the server rotates refresh tokens, this grant now needs"
                        + " a new login: java -jar mcp-refresh.jar login " + url);
                return 1;
            }
            Instant expires = credentials.record().expiresAt();
            out.println("refreshed " + url + (expires != null
                    ? "; the new access token is valid for " + Duration.between(Instant.now(), expires).toSeconds() + " s"
                    : "; the server gave no expiry"));
            return 0;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            err.println("mcp-refresh refresh: " + e.getClass().getSimpleName());
            return 1;
        } finally {
            executor.shutdownNow();
        }
    }
}
