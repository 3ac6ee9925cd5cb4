package dev.mcprefresh.agent.sdk;

import dev.mcprefresh.agent.instrument.RefreshAwareProviders;
import dev.mcprefresh.agent.library.TransportHook;
import dev.mcprefresh.core.http.AuthorizingClientBuilder;
import dev.mcprefresh.core.http.RequestPolicy;
import dev.mcprefresh.core.session.CredentialsRegistry;
import java.lang.reflect.Field;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs at the entry of an SDK transport builder's {@code build()}: when the store has credentials for the
 * transport's server, the builder's {@code clientBuilder} is replaced by one whose client is decorated, so the
 * transport's only {@code HttpClient} gets a fresh token on every request. A transport without a store entry, or
 * whose app already supplies refreshing tokens (mcp-security's customizers), is left exactly as it was.
 * <p>
 * An app's own {@code authorizationErrorHandler} (SDK 1.1+) does not make the agent stand down unless it is a known
 * refresh-aware provider: the SDK calls it only after this client returned the response (the status is checked on the
 * {@code sendAsync} result, then {@code retryWhen(authorizationErrorRetrySpec())}), so the agent's refresh and replay
 * come first and the handler sees only what they could not cure, and every 403. The handler's retry is a request the
 * SDK builds again; it passes the same decorator, whose identity rule still holds (the app's header names the user,
 * a running transport never changes user). See README, "Apps with their own authorization error handler".
 */
final class SdkBuilderHook extends TransportHook implements Consumer<Object> {
    /** Builder members through which an app may already supply refreshing tokens (SDK 0.11 to 1.x: one customizer;
     * 2.x: a list, and an authorization error handler). */
    private static final String[] TOKEN_SOURCES = {"httpRequestCustomizer", "httpRequestCustomizers",
        "authorizationErrorHandler"};

    SdkBuilderHook(Supplier<CredentialsRegistry> registry) {
        super("MCP transport", registry);
    }

    @Override
    public void accept(Object builder) {
        serve(builder);
    }

    /** Builders are reused: served once per server, and one pointed at another server loses the first's client. */
    @Override
    protected boolean prepare(Object builder) throws ReflectiveOperationException {
        BuilderFields fields = BuilderFields.of(builder.getClass());
        if (fields == null) {
            return false; // logged once by BuilderFields
        }
        HttpClient.Builder clientBuilder = fields.clientBuilder(builder);
        if (clientBuilder instanceof AuthorizingClientBuilder) {
            AuthorizingClientBuilder ours = (AuthorizingClientBuilder) clientBuilder;
            if (ours.policy().transportUrl().equals(fields.serverUrl(builder))) {
                return false;
            }
            // The app pointed a reused builder at another server: its tokens must not follow.
            clientBuilder = ours.delegate();
            fields.setClientBuilder(builder, clientBuilder);
        }
        return clientBuilder != null;
    }

    @Override
    protected URI transportUrl(Object builder) throws ReflectiveOperationException {
        return BuilderFields.of(builder.getClass()).serverUrl(builder);
    }

    @Override
    protected String appManagedTokens(Object builder) {
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

    @Override
    protected boolean attach(Object builder, RequestPolicy policy) throws ReflectiveOperationException {
        BuilderFields fields = BuilderFields.of(builder.getClass());
        fields.setClientBuilder(builder, new AuthorizingClientBuilder(fields.clientBuilder(builder), policy));
        return true;
    }
}
