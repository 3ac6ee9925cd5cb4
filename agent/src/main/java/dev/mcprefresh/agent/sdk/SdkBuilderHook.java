package dev.mcprefresh.agent.sdk;

import dev.mcprefresh.core.http.AuthorizingClientBuilder;
import dev.mcprefresh.core.log.Log;
import dev.mcprefresh.core.http.RequestPolicy;
import dev.mcprefresh.core.log.LoggedUrl;
import dev.mcprefresh.core.session.CredentialsRegistry;
import dev.mcprefresh.core.session.Origin;
import dev.mcprefresh.agent.instrument.RefreshAwareProviders;
import java.lang.reflect.Field;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs at the entry of an SDK transport builder's {@code build()}: when the store has credentials for the
 * transport's server, the builder's {@code clientBuilder} is replaced by one whose client is decorated, so the
 * transport's only {@code HttpClient} gets a fresh token on every request. A transport without a store entry, or
 * whose app already supplies refreshing tokens (mcp-security's customizers), is left exactly as it was. Never throws.
 * <p>
 * An app's own {@code authorizationErrorHandler} (SDK 1.1+) does not make the agent stand down unless it is a known
 * refresh-aware provider: the SDK calls it only after this client returned the response (the status is checked on the
 * {@code sendAsync} result, then {@code retryWhen(authorizationErrorRetrySpec())}), so the agent's refresh and replay
 * come first and the handler sees only what they could not cure, and every 403. The handler's retry is a request the
 * SDK builds again; it passes the same decorator, whose identity rule still holds (the app's header names the user,
 * a running transport never changes user). See README, "Apps with their own authorization error handler".
 */
public final class SdkBuilderHook implements Consumer<Object> {
    /** Builder members through which an app may already supply refreshing tokens (SDK 0.11 to 1.x: one customizer;
     * 2.x: a list, and an authorization error handler). */
    private static final String[] TOKEN_SOURCES = {"httpRequestCustomizer", "httpRequestCustomizers",
        "authorizationErrorHandler"};

    private final Supplier<CredentialsRegistry> registry;
    private final Set<String> stoodDownFor = ConcurrentHashMap.newKeySet();

    public SdkBuilderHook(Supplier<CredentialsRegistry> registry) {
        this.registry = registry;
    }

    @Override
    public void accept(Object builder) {
        try {
            wire(builder);
        } catch (Throwable t) {
            Log.warn("could not prepare an MCP transport (" + builder.getClass().getName()
                    + "); it works as it would without the agent", t);
        }
    }

    private void wire(Object builder) throws ReflectiveOperationException {
        BuilderFields fields = BuilderFields.of(builder.getClass());
        if (fields == null) {
            return; // logged once by BuilderFields
        }
        HttpClient.Builder clientBuilder = fields.clientBuilder(builder);
        URI url = fields.serverUrl(builder);
        if (clientBuilder instanceof AuthorizingClientBuilder) {
            AuthorizingClientBuilder ours = (AuthorizingClientBuilder) clientBuilder;
            if (ours.policy().transportUrl().equals(url)) {
                return; // builders are reused: wrap once per server
            }
            // The app pointed a reused builder at another server: its tokens must not follow.
            clientBuilder = ours.delegate();
            fields.setClientBuilder(builder, clientBuilder);
        }
        if (clientBuilder == null || url == null || Origin.of(url) == null) {
            return;
        }
        CredentialsRegistry credentialsRegistry = registry.get();
        RequestPolicy policy = RequestPolicy.forTransport(credentialsRegistry, url);
        if (policy == null) {
            Log.debug("no store entry for " + LoggedUrl.of(url) + "; that transport is left as it is");
            return;
        }
        String provider = refreshAwareProvider(builder);
        if (provider != null) {
            if (stoodDownFor.add(policy.serverUrl())) {
                Log.info("the app's MCP transport to " + LoggedUrl.of(url) + " already gets its tokens from " + provider
                        + ", which refreshes them: the agent leaves that transport alone");
            }
            return;
        }
        fields.setClientBuilder(builder, new AuthorizingClientBuilder(clientBuilder, policy));
        Log.info("MCP transport to " + LoggedUrl.of(url) + " takes its tokens from "
                + policy.tokenSource());
    }

    private static String refreshAwareProvider(Object builder) {
        for (String name : TOKEN_SOURCES) {
            try {
                Field f = builder.getClass().getDeclaredField(name);
                f.setAccessible(true);
                String found = RefreshAwareProviders.find(f.get(builder));
                if (found != null) {
                    return found;
                }
            } catch (NoSuchFieldException absent) {
                // older SDKs have neither
            } catch (ReflectiveOperationException | RuntimeException e) {
                return null;
            }
        }
        return null;
    }
}
