package dev.mcprefresh.core.http;

import java.util.Map;
import java.util.WeakHashMap;

/**
 * Which request policy a decorated client serves, so that a transport's close can reach it from the client the
 * transport holds. Held weakly: a client the app drops is forgotten with it.
 */
public final class DecoratedClients {
    /** Identity semantics: HTTP client classes do not override equals. */
    private static final Map<Object, RequestPolicy> OTHERS = new WeakHashMap<>();

    private DecoratedClients() {
    }

    /** A client of another library (OkHttp) decorated for {@code policy}. */
    public static void remember(Object client, RequestPolicy policy) {
        synchronized (OTHERS) {
            OTHERS.put(client, policy);
        }
    }

    /** The policy {@code client} was decorated for, or null when it is not one of ours. */
    public static RequestPolicy policyOf(Object client) {
        if (client instanceof AuthorizingHttpClient) {
            return ((AuthorizingHttpClient) client).policy();
        }
        if (client == null) {
            return null;
        }
        synchronized (OTHERS) {
            return OTHERS.get(client);
        }
    }
}
