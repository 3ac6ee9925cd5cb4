package dev.mcprefresh.agent.spring;

import dev.mcprefresh.agent.instrument.RefreshAwareProviders;
import dev.mcprefresh.core.log.Log;
import dev.mcprefresh.core.session.CredentialsRegistry;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs at the entry of a Spring WebClient MCP transport builder's {@code build()}: adds the agent's exchange filter
 * to the builder's {@code WebClient.Builder}, last (closest to the wire, so it sees the headers every other filter and
 * {@code defaultHeader} set), once. The filter picks the store entry per request URL, so requests to servers without
 * one pass untouched. When the app already has a refresh-aware filter (Spring Security's OAuth2 filters,
 * spring-ai-community mcp-security), the agent stands down for that builder and says so once. Never throws.
 */
public final class WebClientTransportHook implements Consumer<Object> {
    private final Supplier<CredentialsRegistry> registry;
    private final Set<String> stoodDownFor = ConcurrentHashMap.newKeySet();

    public WebClientTransportHook(Supplier<CredentialsRegistry> registry) {
        this.registry = registry;
    }

    @Override
    public void accept(Object transportBuilder) {
        try {
            wire(transportBuilder);
        } catch (Throwable t) {
            Log.warn("could not prepare a Spring WebClient MCP transport (" + transportBuilder.getClass().getName()
                    + "); it works as it would without the agent", t);
        }
    }

    private void wire(Object transportBuilder) throws ReflectiveOperationException {
        Field field = transportBuilder.getClass().getDeclaredField("webClientBuilder");
        field.setAccessible(true);
        Object webClientBuilder = field.get(transportBuilder);
        if (webClientBuilder == null) {
            return;
        }
        CredentialsRegistry credentialsRegistry = registry.get();
        if (credentialsRegistry == null) {
            return;
        }
        Object filter = ExchangeFilterLoader.newFilter(webClientBuilder.getClass(), credentialsRegistry);
        if (filter == null) {
            return; // logged by the loader
        }
        Method filters = webClientBuilder.getClass().getMethod("filters", Consumer.class);
        filters.setAccessible(true);
        filters.invoke(webClientBuilder, new AddOnce(filter, transportBuilder.getClass().getName()));
    }

    /** Adds the filter at the end of the builder's list unless it (or a refresh-aware one) is there already. */
    private final class AddOnce implements Consumer<List<Object>> {
        private final Object filter;
        private final String transport;

        AddOnce(Object filter, String transport) {
            this.filter = filter;
            this.transport = transport;
        }

        @Override
        public void accept(List<Object> list) {
            for (Object existing : list) {
                String name = existing.getClass().getName();
                if (name.equals(filter.getClass().getName())) {
                    return; // builders are reused and cloned: once is enough
                }
                String provider = RefreshAwareProviders.find(existing);
                if (provider != null) {
                    if (stoodDownFor.add(provider)) {
                        Log.info("the app's WebClient for " + transport + " already has a refresh-aware filter ("
                                + provider + "): the agent leaves it alone");
                    }
                    return;
                }
            }
            list.add(filter);
        }
    }
}
