package dev.mcprefresh.agent.spring;

import dev.mcprefresh.agent.instrument.RefreshAwareProviders;
import dev.mcprefresh.core.http.RequestPolicy;
import dev.mcprefresh.core.log.Log;
import dev.mcprefresh.core.log.LoggedUrl;
import dev.mcprefresh.core.session.CredentialsRegistry;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs at the entry of a Spring WebClient MCP transport builder's {@code build()}. When the store has an entry for the
 * transport's URL (the WebClient builder's base URL resolved against the transport's endpoint), the agent's exchange
 * filter, bound to that transport's {@link RequestPolicy}, is added last (closest to the wire, so it sees the headers
 * every other filter and {@code defaultHeader} set). The Streamable HTTP builder gets a copy of the app's
 * {@code WebClient.Builder} with the filter, so other clients the app builds from its builder never carry it; the SSE
 * builder holds its WebClient builder in a final field, so there the filter is added to the app's builder itself
 * (it still only ever acts on that MCP server's origin). With no store entry nothing is touched. When the app
 * already has a refresh-aware filter (Spring Security's OAuth2 filters, mcp-security), the agent stands down and says
 * so once. Never throws.
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
        URI url = transportUrl(transportBuilder, webClientBuilder);
        if (url == null) {
            Log.debug("a Spring WebClient MCP transport has no absolute URL (no base URL?); it is left as it is");
            return;
        }
        RequestPolicy policy = RequestPolicy.forTransport(registry.get(), url);
        if (policy == null) {
            Log.debug("no store entry for " + LoggedUrl.of(url) + "; that WebClient transport is left as it is");
            return;
        }
        Object filter = ExchangeFilterLoader.newFilter(webClientBuilder.getClass(), policy);
        if (filter == null) {
            return; // logged by the loader
        }
        Object target = webClientBuilder;
        if (!Modifier.isFinal(field.getModifiers())) {
            Method copy = webClientBuilder.getClass().getMethod("clone");
            copy.setAccessible(true); // the builder class itself is package-private
            target = copy.invoke(webClientBuilder);
        }
        Method filters = target.getClass().getMethod("filters", Consumer.class);
        filters.setAccessible(true);
        AddOnce add = new AddOnce(filter, LoggedUrl.of(url));
        filters.invoke(target, add);
        if (add.added) {
            if (target != webClientBuilder) {
                field.set(transportBuilder, target);
            }
            Log.info("Spring WebClient MCP transport to " + LoggedUrl.of(url) + " takes its tokens from the store"
                    + " entries for " + LoggedUrl.of(policy.serverUrl()));
        }
    }

    /** The WebClient builder's base URL resolved against the transport's endpoint; null when not absolute. */
    private static URI transportUrl(Object transportBuilder, Object webClientBuilder) {
        try {
            String endpoint = stringField(transportBuilder, "endpoint", "sseEndpoint");
            String base = stringField(webClientBuilder, "baseUrl");
            URI url = base == null ? URI.create(endpoint == null ? "" : endpoint)
                    : endpoint == null || endpoint.isEmpty() ? URI.create(base) : URI.create(base).resolve(endpoint);
            return url.isAbsolute() ? url : null;
        } catch (RuntimeException | ReflectiveOperationException e) {
            return null;
        }
    }

    private static String stringField(Object owner, String... names) throws ReflectiveOperationException {
        for (String name : names) {
            try {
                Field f = owner.getClass().getDeclaredField(name);
                if (f.getType() == String.class) {
                    f.setAccessible(true);
                    return (String) f.get(owner);
                }
            } catch (NoSuchFieldException absent) {
                // the other name, in the other transport
            }
        }
        return null;
    }

    /** Adds the filter at the end of the builder's list unless one of ours (or a refresh-aware one) is there. */
    private final class AddOnce implements Consumer<List<Object>> {
        private final Object filter;
        private final String transport;
        boolean added;

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
            added = true;
        }
    }
}
