package dev.mcprefresh.agent.sdk;

import dev.mcprefresh.core.http.AuthorizingClientBuilder;
import dev.mcprefresh.core.log.Log;
import dev.mcprefresh.core.session.Credentials;
import dev.mcprefresh.core.session.CredentialsRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs at the entry of an SDK transport builder's {@code build()}: when the store has credentials for the
 * transport's server, the builder's {@code clientBuilder} is replaced by one whose client is decorated, so the
 * transport's only {@code HttpClient} gets a fresh token on every request. A transport without a store entry is
 * left exactly as it was. Never throws.
 */
public final class SdkBuilderHook implements Consumer<Object> {
    private final Supplier<CredentialsRegistry> registry;

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
        if (clientBuilder == null || clientBuilder instanceof AuthorizingClientBuilder) {
            return; // builders are reused: wrap once
        }
        URI url = fields.serverUrl(builder);
        if (url == null || url.getHost() == null) {
            return;
        }
        CredentialsRegistry credentialsRegistry = registry.get();
        Credentials credentials = credentialsRegistry == null ? null : credentialsRegistry.find(url);
        if (credentials == null) {
            Log.debug("no store entry for " + url + "; that transport is left as it is");
            return;
        }
        fields.setClientBuilder(builder, new AuthorizingClientBuilder(clientBuilder, credentials, url));
        Log.info("MCP transport to " + url + " takes its tokens from the store entry " + credentials.serverUrl());
    }
}
