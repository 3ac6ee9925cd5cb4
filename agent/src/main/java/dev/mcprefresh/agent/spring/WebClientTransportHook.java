package dev.mcprefresh.agent.spring;

import dev.mcprefresh.agent.instrument.RefreshAwareProviders;
import dev.mcprefresh.core.http.RequestPolicy;
import dev.mcprefresh.core.log.Log;
import dev.mcprefresh.core.log.LoggedUrl;
import dev.mcprefresh.core.session.CredentialsRegistry;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
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
 * every other filter and {@code defaultHeader} set), to a copy of the app's {@code WebClient.Builder} made for that
 * transport: other clients the app builds from its builder never carry it, and a transport builder pointed at
 * another server starts again without it. With no store entry nothing is touched. When the app
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
        Object held = field.get(transportBuilder);
        if (held == null) {
            return;
        }
        // A transport builder reused for another server holds the copy made for the first one: start again from a
        // copy without any filter of ours, so the first server's tokens never follow.
        Object clean = withoutOurFilters(held);
        if (clean != held) {
            field.set(transportBuilder, clean);
        }
        URI url = transportUrl(transportBuilder, clean);
        if (url == null) {
            Log.debug("a Spring WebClient MCP transport has no absolute URL (no base URL?); it is left as it is");
            return;
        }
        RequestPolicy policy = RequestPolicy.forTransport(registry.get(), url);
        if (policy == null) {
            Log.debug("no store entry for " + LoggedUrl.of(url) + "; that WebClient transport is left as it is");
            return;
        }
        Object filter = ExchangeFilterLoader.newFilter(clean.getClass(), policy);
        if (filter == null) {
            return; // logged by the loader
        }
        Object copy = invoke(clean, "clone");
        AddLast add = new AddLast(filter, LoggedUrl.of(url));
        invoke(copy, "filters", add);
        if (add.added) {
            // The SSE builder's field is final: written here as the LangChain4j hook writes its client field, so the
            // app's own builder (and every other client built from it) never carries the filter.
            field.set(transportBuilder, copy);
            Log.info("Spring WebClient MCP transport to " + LoggedUrl.of(url) + " takes its tokens from "
                    + policy.tokenSource());
        }
    }

    /** {@code builder}, or a copy of it without the filters this agent added to it. */
    private static Object withoutOurFilters(Object builder) throws ReflectiveOperationException {
        boolean[] ours = new boolean[1];
        invoke(builder, "filters", (Consumer<List<Object>>) list -> ours[0] = list.stream().anyMatch(WebClientTransportHook::ours));
        if (!ours[0]) {
            return builder;
        }
        Object copy = invoke(builder, "clone");
        invoke(copy, "filters", (Consumer<List<Object>>) list -> list.removeIf(WebClientTransportHook::ours));
        return copy;
    }

    private static boolean ours(Object filter) {
        return filter.getClass().getName().equals(ExchangeFilterLoader.FILTER);
    }

    /** A public method of the builder, whose class is package-private in Spring. */
    private static Object invoke(Object builder, String name, Object... args) throws ReflectiveOperationException {
        Method m = args.length == 0 ? builder.getClass().getMethod(name)
                : builder.getClass().getMethod(name, Consumer.class);
        m.setAccessible(true);
        return m.invoke(builder, args);
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

    /** Adds the filter at the end of the builder's list, unless the app has a refresh-aware one there. */
    private final class AddLast implements Consumer<List<Object>> {
        private final Object filter;
        private final String transport;
        boolean added;

        AddLast(Object filter, String transport) {
            this.filter = filter;
            this.transport = transport;
        }

        @Override
        public void accept(List<Object> list) {
            for (Object existing : list) {
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
