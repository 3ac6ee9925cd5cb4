package dev.mcprefresh.core.http;

import dev.mcprefresh.core.oauth.OAuthHttp;
import dev.mcprefresh.core.oauth.TokenEndpointClient;
import dev.mcprefresh.core.session.CredentialsRegistry;
import dev.mcprefresh.core.store.TokenRecord;
import dev.mcprefresh.core.store.TokenStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;

/** The decorated client as the agent wires it, for tests: {@code record} stored, real token endpoint client. */
final class DecoratedClients {
    private DecoratedClients() {
    }

    static HttpClient of(TokenStore store, TokenRecord record) {
        store.update(c -> {
            c.put(record);
            return null;
        });
        return builder(store, record.serverUrl(), HttpClient.newBuilder()).build();
    }

    /** The agent's client builder around {@code app} for a transport to {@code transportUrl}, as the SDK hook makes it. */
    static AuthorizingClientBuilder builder(TokenStore store, String transportUrl, HttpClient.Builder app) {
        CredentialsRegistry registry = new CredentialsRegistry(store, new TokenEndpointClient(
                new OAuthHttp(Duration.ofSeconds(5)), Clock.systemUTC()), Duration.ofSeconds(60), Clock.systemUTC());
        RequestPolicy policy = RequestPolicy.forTransport(registry, URI.create(transportUrl));
        if (policy == null) {
            throw new AssertionError("no store entry covers " + transportUrl);
        }
        return new AuthorizingClientBuilder(app, policy);
    }
}
