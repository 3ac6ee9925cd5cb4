package dev.mcprefresh.agent.kotlinsdk;

import dev.mcprefresh.agent.library.LibraryField;
import dev.mcprefresh.agent.library.ServedTransports;
import dev.mcprefresh.agent.library.TransportHook;
import dev.mcprefresh.core.http.RequestPolicy;
import dev.mcprefresh.core.session.CredentialsRegistry;
import java.net.URI;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs at the entry of a Kotlin MCP SDK transport's start. A suspend function's method is entered again at each
 * resumption, so each transport is seen once. When the store has an entry for the transport's URL, the transport's
 * Ktor client gets the agent's interceptor for that server ({@link KtorClients}), unless the app's client already
 * refreshes tokens with Ktor's Auth plugin: then the agent stands down, said once per server.
 */
final class KotlinTransportHook extends TransportHook implements Consumer<Object> {
    private static final String HTTP_CLIENT = "io.ktor.client.HttpClient";
    private final Map<Object, Boolean> seen = Collections.synchronizedMap(new WeakHashMap<>());

    KotlinTransportHook(Supplier<CredentialsRegistry> registry) {
        super("Kotlin MCP transport", registry);
    }

    @Override
    public void accept(Object transport) {
        if (seen.putIfAbsent(transport, Boolean.TRUE) == null) {
            RequestPolicy policy = serve(transport);
            if (policy != null) {
                ServedTransports.served(transport, policy);
            }
        }
    }

    private static Object client(Object transport) throws ReflectiveOperationException {
        LibraryField f = LibraryField.find(transport.getClass(), HTTP_CLIENT, "client");
        return f == null ? null : f.get(transport);
    }

    @Override
    protected boolean prepare(Object transport) throws ReflectiveOperationException {
        return client(transport) != null;
    }

    /** The Streamable transport's {@code url}, the SSE transport's {@code urlString}; null when relative (a Ktor
     * {@code DefaultRequest} base URL resolves it: not read, that transport is left alone). */
    @Override
    protected URI transportUrl(Object transport) throws ReflectiveOperationException {
        LibraryField f = LibraryField.find(transport.getClass(), String.class.getName(), "url", "urlString");
        Object url = f == null ? null : f.get(transport);
        try {
            URI uri = url == null ? null : URI.create((String) url);
            return uri != null && uri.isAbsolute() ? uri : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    protected String appManagedTokens(Object transport) throws ReflectiveOperationException {
        return KtorClients.refreshingAuth(client(transport));
    }

    @Override
    protected String standDownLine(String url, String appsOwn) {
        return "the app's Ktor client for " + url + " already refreshes its tokens (" + appsOwn
                + "): the agent leaves that Kotlin MCP transport alone";
    }

    @Override
    protected boolean attach(Object transport, RequestPolicy policy) throws ReflectiveOperationException {
        return KtorClients.serve(client(transport), policy);
    }
}
