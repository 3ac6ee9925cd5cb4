package dev.mcprefresh.core.http;

import dev.mcprefresh.core.oauth.OAuthHttp;
import dev.mcprefresh.core.oauth.TokenEndpointClient;
import dev.mcprefresh.core.session.Credentials;
import dev.mcprefresh.core.store.TokenRecord;
import dev.mcprefresh.core.store.TokenStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;

/** The decorated client as the agent wires it, for tests: {@code record} stored, real token endpoint client. */
final class DecoratedClients {
    private DecoratedClients() {
    }

    static HttpClient of(TokenStore store, TokenRecord record) {
        store.update(c -> {
            c.put(record);
            return null;
        });
        Credentials credentials = new Credentials(record, store, new TokenEndpointClient(
                new OAuthHttp(Duration.ofSeconds(5)), Clock.systemUTC()), Clock.systemUTC(), Duration.ofSeconds(60),
                Executors.newCachedThreadPool());
        return new AuthorizingClientBuilder(HttpClient.newBuilder(), credentials, URI.create(record.serverUrl()))
                .build();
    }
}
