package dev.mcprefresh.agent.library;

import dev.mcprefresh.core.http.AuthorizingHttpClient;
import dev.mcprefresh.core.http.RequestPolicy;
import dev.mcprefresh.core.session.CredentialsRegistry;
import java.net.http.HttpClient;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Answers a transport's reads of its own {@code HttpClient} field (patched to go through the bridge): the decorated
 * client when the agent serves that transport, else the field's own value. Decided once per transport, at its first
 * read, through the {@link TransportHook} steps; the field itself is never written, final or not.
 */
public abstract class HttpClientView extends TransportHook implements Function<Object, Object> {
    /** Per transport, the client its reads get (the decorated one, or its own). Weak: dropped transports go away. */
    private final Map<Object, HttpClient> answers = new WeakHashMap<>();

    protected HttpClientView(String what, Supplier<CredentialsRegistry> registry) {
        super(what, registry);
    }

    /** The transport's own client field. */
    protected abstract LibraryField clientField(Class<?> transportType);

    @Override
    public final Object apply(Object transport) {
        HttpClient own;
        try {
            own = (HttpClient) clientField(transport.getClass()).get(transport);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e); // the bridge reads the field itself
        }
        HttpClient answer;
        synchronized (answers) { // held for a map lookup only: this is every request's path
            answer = answers.get(transport);
        }
        if (answer != null) {
            return answer;
        }
        if (own == null) {
            return null; // not built yet: decide at a later read
        }
        answer = own;
        RequestPolicy policy = null;
        if (!(own instanceof AuthorizingHttpClient)) { // else built through a builder the agent served
            policy = serve(transport); // outside the lock: it may read the store
            if (policy != null) {
                answer = AuthorizingHttpClient.wrap(own, policy);
            }
        }
        synchronized (answers) {
            HttpClient first = answers.putIfAbsent(transport, answer);
            if (first != null) { // another thread's first read decided first: this policy serves nothing
                if (policy != null) {
                    policy.transportClosed();
                }
                return first;
            }
        }
        if (policy != null) {
            ServedTransports.served(transport, policy);
        }
        return answer;
    }

    /** Nothing to attach to: {@link #apply} keeps the decorated client; true unless a library adds a condition. */
    @Override
    protected boolean attach(Object transport, RequestPolicy policy) {
        return true;
    }
}
