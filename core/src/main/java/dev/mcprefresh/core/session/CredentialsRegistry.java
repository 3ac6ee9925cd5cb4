package dev.mcprefresh.core.session;

import dev.mcprefresh.core.config.Setting;
import dev.mcprefresh.core.config.Settings;
import dev.mcprefresh.core.log.Log;
import dev.mcprefresh.core.oauth.OAuthHttp;
import dev.mcprefresh.core.oauth.TokenEndpointClient;
import dev.mcprefresh.core.store.StoreException;
import dev.mcprefresh.core.store.TokenRecord;
import dev.mcprefresh.core.store.TokenStore;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** One {@link Credentials} per stored server for the whole JVM, so every transport to a server shares one refresh. */
public final class CredentialsRegistry {
    private final TokenStore store;
    private final TokenEndpointClient tokenClient;
    private final Duration skew;
    private final Clock clock;
    private final ExecutorService executor;
    private final Map<String, Credentials> byServer = new ConcurrentHashMap<>();

    public CredentialsRegistry(TokenStore store, TokenEndpointClient tokenClient, Duration skew, Clock clock) {
        this.store = store;
        this.tokenClient = tokenClient;
        this.skew = skew;
        this.clock = clock;
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "mcp-refresh-token");
            t.setDaemon(true);
            return t;
        });
    }

    public static CredentialsRegistry fromSettings(Settings settings) {
        Duration httpTimeout = settings.durationOrDefault(Setting.HTTP_TIMEOUT_SECONDS, Log::warn);
        Duration lockTimeout = settings.durationOrDefault(Setting.LOCK_TIMEOUT_SECONDS, Log::warn);
        Duration skew = settings.durationOrDefault(Setting.REFRESH_SKEW_SECONDS, Log::warn);
        boolean insecure = settings.allowInsecureHttpOrFalse(Log::warn);
        Clock clock = Clock.systemUTC();
        return new CredentialsRegistry(new TokenStore(settings.storePath(), lockTimeout),
                new TokenEndpointClient(new OAuthHttp(httpTimeout, insecure), clock), skew, clock);
    }

    public TokenStore store() {
        return store;
    }

    /** The credentials for a transport whose MCP URL is {@code url}, or null when the store has no entry for it. */
    public Credentials find(URI url) {
        TokenRecord record;
        try {
            record = ServerMatcher.find(store.read().records(), url);
        } catch (StoreException e) {
            Log.error(e.getMessage() + "; MCP requests to " + url + " go out unchanged");
            return null;
        }
        if (record == null) {
            return null;
        }
        return byServer.computeIfAbsent(record.serverUrl(), k -> {
            if (record.needsLogin()) {
                Log.warn("the store marks " + record.serverUrl() + " as needing a new login ("
                        + record.needsLoginReason() + "); requests go out as the app built them until you run:"
                        + " java -jar mcp-refresh.jar login " + record.serverUrl());
            }
            return new Credentials(record, store, tokenClient, clock, skew, executor);
        });
    }
}
