package dev.mcprefresh.agent.spring;

import dev.mcprefresh.agent.instrument.RefreshAwareProviders;
import dev.mcprefresh.core.http.RequestPolicy;
import dev.mcprefresh.core.log.Log;
import dev.mcprefresh.core.session.CredentialsRegistry;
import dev.mcprefresh.agent.library.LibraryField;
import dev.mcprefresh.agent.library.TransportHook;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.URI;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs at the entry of a Spring WebClient MCP transport builder's {@code build()}. When the store has an entry for the
 * transport's URL (the WebClient builder's base URL resolved against the transport's endpoint), the agent's exchange
 * filter, bound to that transport's {@link RequestPolicy}, is added last (closest to the wire, so it sees the headers
 * every other filter and {@code defaultHeader} set), to a copy of the app's {@code WebClient.Builder} made for that
 * transport: other clients the app builds from its builder never carry it, and a transport builder pointed at
 * another server starts again without it. With no store entry nothing is touched. When the app already has a
 * refresh-aware filter (Spring Security's OAuth2 filters, mcp-security), the agent stands down and says so once.
 */
final class WebClientTransportHook extends TransportHook implements Consumer<Object> {
    private static final String WEB_CLIENT_BUILDER = "org.springframework.web.reactive.function.client.WebClient$Builder";
    private volatile boolean saidFinal;

    WebClientTransportHook(Supplier<CredentialsRegistry> registry) {
        super("Spring WebClient MCP transport", registry);
    }

    @Override
    public void accept(Object transportBuilder) {
        serve(transportBuilder);
    }

    private static LibraryField builderField(Object transportBuilder) {
        return LibraryField.find(transportBuilder.getClass(), WEB_CLIENT_BUILDER, "webClientBuilder");
    }

    /** A transport builder reused for another server holds the copy made for the first: start again from one without
     * the agent's filter, so the first server's tokens never follow. */
    @Override
    protected boolean prepare(Object transportBuilder) throws ReflectiveOperationException {
        LibraryField field = builderField(transportBuilder);
        if (field == null || field.get(transportBuilder) == null) {
            return false;
        }
        if (!field.writable()) {
            if (!saidFinal) {
                saidFinal = true;
                Log.info("a Spring WebClient MCP transport builder class loaded before the agent (a late attach?):"
                        + " its transports are left as the app built them until the app restarts with the agent");
            }
            return false;
        }
        Object held = field.get(transportBuilder);
        Object clean = withoutOurFilters(held);
        if (clean != held) {
            field.set(transportBuilder, clean);
        }
        return true;
    }

    @Override
    protected URI transportUrl(Object transportBuilder) throws ReflectiveOperationException {
        return transportUrl(transportBuilder, builderField(transportBuilder).get(transportBuilder));
    }

    @Override
    protected String appManagedTokens(Object transportBuilder) throws ReflectiveOperationException {
        String[] found = new String[1];
        invoke(builderField(transportBuilder).get(transportBuilder), "filters", (Consumer<List<Object>>) list -> {
            for (Object existing : list) {
                if (found[0] == null) {
                    found[0] = RefreshAwareProviders.find(existing);
                }
            }
        });
        return found[0];
    }

    @Override
    protected String standDownLine(String url, String appsOwn) {
        return "the app's WebClient for " + url + " already has a refresh-aware filter (" + appsOwn
                + "): the agent leaves it alone";
    }

    @Override
    protected boolean attach(Object transportBuilder, RequestPolicy policy) throws ReflectiveOperationException {
        LibraryField field = builderField(transportBuilder);
        Object clean = field.get(transportBuilder);
        Object filter = ExchangeFilterLoader.newFilter(clean.getClass(), policy);
        if (filter == null) {
            return false; // logged by the loader
        }
        Object copy = invoke(clean, "clone");
        invoke(copy, "filters", (Consumer<List<Object>>) list -> list.add(filter));
        field.set(transportBuilder, copy); // the app's own builder never carries the filter
        return true;
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
}
