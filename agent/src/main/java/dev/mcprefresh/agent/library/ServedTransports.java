package dev.mcprefresh.agent.library;

import dev.mcprefresh.core.http.RequestPolicy;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Transports whose decorated client lives outside their own fields (behind a field read the bridge answers): their
 * policy, so closing the transport can end its keep-alive. Weak: a transport the app drops goes away.
 */
public final class ServedTransports {
    private static final Map<Object, RequestPolicy> POLICIES = Collections.synchronizedMap(new WeakHashMap<>());

    private ServedTransports() {
    }

    /** {@code transport} is served with {@code policy}: its close ends that policy's keep-alive. */
    public static void served(Object transport, RequestPolicy policy) {
        POLICIES.put(transport, policy);
    }

    /** The policy the agent serves {@code transport} with through a field read, or null. */
    public static RequestPolicy policyOf(Object transport) {
        return POLICIES.get(transport);
    }
}
