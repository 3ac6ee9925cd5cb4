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
    /** Locks for first decisions, by transport identity (a power of two of them). */
    private final Object[] deciding = new Object[16];
    /** Thrown, without a stack, for a class without the expected client field: the bridge then reads its own. */
    private static final RuntimeException UNKNOWN_SHAPE = new UnknownShape();

    protected HttpClientView(String what, Supplier<CredentialsRegistry> registry) {
        super(what, registry);
        for (int i = 0; i < deciding.length; i++) {
            deciding[i] = new Object();
        }
    }

    /** The transport's own client field, or null (said once) for a class of another shape. */

    protected abstract LibraryField clientField(Class<?> transportType);

    @Override
    public final Object apply(Object transport) {
        LibraryField field = clientField(transport.getClass());
        if (field == null) {
            throw UNKNOWN_SHAPE; // said once by the library's field holder; the bridge reads the field itself
        }
        HttpClient own;
        try {
            own = (HttpClient) field.get(transport);
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
        // One decision (and one log line) per transport, even when its first reads come from several threads; the
        // store read it may need happens under a lock of a few transports, never under the map's.
        synchronized (deciding[System.identityHashCode(transport) & (deciding.length - 1)]) {
            synchronized (answers) {
                answer = answers.get(transport);
            }
            if (answer != null) {
                return answer;
            }
            answer = own;
            if (!(own instanceof AuthorizingHttpClient)) { // else built through a builder the agent served
                RequestPolicy policy = serve(transport);
                if (policy != null) {
                    answer = AuthorizingHttpClient.wrap(own, policy);
                    ServedTransports.served(transport, policy);
                }
            }
            synchronized (answers) {
                answers.put(transport, answer);
            }
            return answer;
        }
    }

    /** Nothing to attach to: {@link #apply} keeps the decorated client; true unless a library adds a condition. */
    @Override
    protected boolean attach(Object transport, RequestPolicy policy) {
        return true;
    }

    /** No stack: thrown on every read of a transport the view cannot serve. */
    private static final class UnknownShape extends RuntimeException {
        UnknownShape() {
            super("unknown transport shape", null, false, false);
        }
    }
}
