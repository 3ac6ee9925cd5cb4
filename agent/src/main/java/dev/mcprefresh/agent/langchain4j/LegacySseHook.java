package dev.mcprefresh.agent.langchain4j;

import dev.mcprefresh.agent.langchain4j.okhttp.InterceptorLoader;
import dev.mcprefresh.agent.library.LibraryField;
import dev.mcprefresh.agent.library.TransportHook;
import dev.mcprefresh.core.http.RequestPolicy;
import dev.mcprefresh.core.log.Log;
import dev.mcprefresh.core.session.CredentialsRegistry;
import java.net.URI;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * As LangChain4j's legacy HTTP+SSE transport starts: its OkHttp client (a field the agent loads non-final) is replaced
 * by one with the agent's interceptor, which covers the whole origin (the transport posts to the endpoint the SSE
 * stream names, which may differ from the SSE URL). Once per transport. A transport whose class loaded before the agent
 * came (a late attach) keeps the field final and is left as it is, said once.
 */
final class LegacySseHook extends TransportHook implements Consumer<Object> {
    private final Map<Object, Boolean> seen = Collections.synchronizedMap(new WeakHashMap<>());
    private volatile boolean saidFinal;

    LegacySseHook(Supplier<CredentialsRegistry> registry) {
        super("LangChain4j MCP transport", registry);
    }

    @Override
    public void accept(Object transport) {
        if (seen.put(transport, Boolean.TRUE) == null) {
            serve(transport);
        }
    }

    @Override
    protected boolean prepare(Object transport) throws IllegalAccessException {
        LibraryField client = TransportFields.of(transport.getClass()).client;
        if (client == null || client.get(transport) == null) {
            return false;
        }
        if (!client.writable()) {
            if (!saidFinal) {
                saidFinal = true;
                Log.info("LangChain4j's legacy HTTP+SSE transport class loaded before the agent (a late attach?): its"
                        + " transports are left as the app built them until the app restarts with the agent");
            }
            return false;
        }
        return true;
    }

    @Override
    protected URI transportUrl(Object transport) throws IllegalAccessException {
        return TransportFields.of(transport.getClass()).url(transport);
    }

    @Override
    protected String appManagedTokens(Object transport) throws IllegalAccessException {
        return TransportFields.of(transport.getClass()).appsOwnHeaders(transport);
    }

    @Override
    protected String standDownLine(String url, String appsOwn) {
        return TransportFields.standDownLine(url, appsOwn);
    }

    @Override
    protected boolean attach(Object transport, RequestPolicy policy) throws ReflectiveOperationException {
        LibraryField client = TransportFields.of(transport.getClass()).client;
        Object decorated = InterceptorLoader.decorate(transport.getClass(), client.get(transport), policy);
        if (decorated == null) {
            return false; // said by the loader
        }
        client.set(transport, decorated);
        return true;
    }
}
