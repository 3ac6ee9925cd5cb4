package dev.mcprefresh.agent.langchain4j;

import dev.mcprefresh.agent.instrument.AppLibrary;
import dev.mcprefresh.core.http.AuthorizingHttpClient;
import dev.mcprefresh.core.log.Log;
import dev.mcprefresh.core.http.RequestPolicy;
import dev.mcprefresh.core.log.LoggedUrl;
import dev.mcprefresh.core.session.CredentialsRegistry;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs as a LangChain4j HTTP transport starts, before its first request. Each transport builds its own client in its
 * constructor and keeps it in a final field the app cannot reach, so the agent replaces it here, once: the Streamable
 * HTTP transport's java.net.http client with the decorated client (which answers 401s inside the body handler, where
 * LangChain4j decides success or failure), the legacy HTTP+SSE transport's OkHttp client with one that has the
 * agent's interceptor. Either replaces the Authorization header LangChain4j adds from its custom headers (it adds,
 * never replaces), so LangChain4j never sees a 401 that a refresh can cure.
 *
 * <p>An app that gives the transport its own headers supplier may be refreshing tokens itself: that transport is left
 * alone, said once per server. Never throws.
 */
public final class LangChain4jTransportHook implements Consumer<Object> {
    private static final ClassValue<Field[]> FIELDS = new ClassValue<>() {
        @Override
        protected Field[] computeValue(Class<?> type) {
            return resolve(type);
        }
    };
    private static final String OKHTTP_CLIENT = "okhttp3.OkHttpClient";
    private static final String INTERCEPTOR = "dev.mcprefresh.agent.langchain4j.okhttp.AuthorizingInterceptor";
    /** LangChain4j's own suppliers (the map given to customHeaders(Map), or none) are constants. */
    private static final String OWN_SUPPLIERS = "dev.langchain4j.mcp.client.transport.";

    private final Supplier<CredentialsRegistry> registry;
    private final Map<Object, Boolean> seen = Collections.synchronizedMap(new WeakHashMap<>());
    private final Set<String> stoodDownFor = ConcurrentHashMap.newKeySet();

    public LangChain4jTransportHook(Supplier<CredentialsRegistry> registry) {
        this.registry = registry;
    }

    @Override
    public void accept(Object transport) {
        if (seen.containsKey(transport)) {
            return;
        }
        seen.put(transport, Boolean.TRUE);
        try {
            wire(transport);
        } catch (Throwable t) {
            Log.warn("could not prepare a LangChain4j MCP transport (" + transport.getClass().getName()
                    + "); it works as it would without the agent", t);
        }
    }

    private void wire(Object transport) throws ReflectiveOperationException {
        Field[] f = FIELDS.get(transport.getClass());
        if (f == null) {
            return;
        }
        Object client = f[0].get(transport);
        String url = (String) f[1].get(transport);
        if (client == null || client instanceof AuthorizingHttpClient || url == null) {
            return;
        }
        URI uri = URI.create(url);
        RequestPolicy policy = RequestPolicy.forTransport(registry.get(), uri);
        if (policy == null) {
            Log.debug("no store entry for " + LoggedUrl.of(uri) + "; that LangChain4j transport is left as it is");
            return;
        }
        Object headers = f[2] == null ? null : f[2].get(transport);
        if (!isConstant(headers, 0)) {
            if (stoodDownFor.add(policy.serverUrl())) {
                Log.info("the app gives its LangChain4j MCP transport to " + LoggedUrl.of(uri) + " its own headers"
                        + " supplier (" + headers.getClass().getName() + "), which may manage tokens itself: the agent"
                        + " leaves that transport alone. To have the agent keep its token fresh, pass the header as a"
                        + " map (customHeaders(Map))");
            }
            return;
        }
        if (client instanceof HttpClient) {
            f[0].set(transport, AuthorizingHttpClient.wrap((HttpClient) client, policy));
        } else if (AppLibrary.sharedWithAgent(OKHTTP_CLIENT, transport.getClass(), "OkHttp")) {
            // The interceptor covers the whole origin: the legacy transport posts to the endpoint the SSE stream
            // names, which may differ from the SSE URL.
            f[0].set(transport, Class.forName(INTERCEPTOR, true, LangChain4jTransportHook.class.getClassLoader())
                    .getMethod("decorate", Object.class, RequestPolicy.class)
                    .invoke(null, client, policy));
        } else {
            return;
        }
        Log.info("LangChain4j MCP transport to " + LoggedUrl.of(uri) + " takes its tokens from "
                + policy.tokenSource());
    }

    /**
     * True for headers the app gave as a map: the map itself (1.4 to 1.8), or LangChain4j's own supplier around it
     * (1.9 on, also its empty default). LangChain4j's supplier around a supplier the app wrote is not constant.
     */
    static boolean isConstant(Object headers, int depth) {
        if (headers == null || headers instanceof Map) {
            return true;
        }
        if (depth > 2 || !headers.getClass().getName().startsWith(OWN_SUPPLIERS)) {
            return false;
        }
        for (Field captured : headers.getClass().getDeclaredFields()) {
            if (Modifier.isStatic(captured.getModifiers())) {
                continue;
            }
            try {
                captured.setAccessible(true);
                if (!isConstant(captured.get(headers), depth + 1)) {
                    return false;
                }
            } catch (ReflectiveOperationException | RuntimeException e) {
                return false; // cannot tell: assume the app manages it
            }
        }
        return true;
    }

    /**
     * The client field (the Streamable HTTP transport's java.net.http {@code httpClient}, or the legacy transport's
     * OkHttp {@code client}), the URL ({@code url} or {@code sseUrl}) and the custom headers ({@code customHeaders},
     * a Map in 1.4 to 1.8, or {@code customHeadersSupplier}); null, logged, for another shape.
     */
    private static Field[] resolve(Class<?> type) {
        try {
            Field client = firstField(type, "httpClient", "client");
            Field url = firstField(type, "url", "sseUrl");
            Field headers;
            try {
                headers = firstField(type, "customHeadersSupplier", "customHeaders");
            } catch (NoSuchFieldException absent) {
                headers = null;
            }
            boolean knownClient = client.getType() == HttpClient.class || client.getType().getName().equals(OKHTTP_CLIENT);
            if (!knownClient || url.getType() != String.class || Modifier.isStatic(client.getModifiers())) {
                throw new NoSuchFieldException("unexpected field types");
            }
            client.setAccessible(true);
            url.setAccessible(true);
            if (headers != null) {
                headers.setAccessible(true);
            }
            return new Field[] {client, url, headers};
        } catch (NoSuchFieldException | RuntimeException e) {
            Log.warn("skipping LangChain4j transports of " + type.getName() + ": it lacks the client and URL fields"
                    + " of the versions the agent knows (a newer version?); they work as they would without the agent");
            return null;
        }
    }

    private static Field firstField(Class<?> type, String... names) throws NoSuchFieldException {
        for (String name : names) {
            try {
                return type.getDeclaredField(name);
            } catch (NoSuchFieldException absent) {
                // the other name, in other versions or transports
            }
        }
        throw new NoSuchFieldException(names[0]);
    }
}
