package dev.mcprefresh.agent.lifecycle;

import dev.mcprefresh.agent.library.ServedTransports;
import dev.mcprefresh.core.http.DecoratedClients;
import dev.mcprefresh.core.http.RequestPolicy;
import dev.mcprefresh.core.log.Log;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs as the app closes an MCP transport (the SDK's {@code closeGracefully()}, LangChain4j's {@code close()}): the
 * HTTP client the transport holds, when it is one the agent decorated (or the one the bridge answers its reads with),
 * tells its request policy, so the grant is no longer kept alive for that transport. Reads fields only; never throws.
 */
public final class TransportCloseHook implements Consumer<Object> {
    /** Per transport class: its instance fields that may hold a decorated client. */
    private static final ClassValue<Field[]> CLIENT_FIELDS = new ClassValue<>() {
        @Override
        protected Field[] computeValue(Class<?> type) {
            return clientFields(type);
        }
    };

    @Override
    public void accept(Object transport) {
        try {
            RequestPolicy served = ServedTransports.policyOf(transport);
            if (served != null) {
                served.transportClosed(); // its decorated client lives behind a field read, not in a field
            }
            for (Field f : CLIENT_FIELDS.get(transport.getClass())) {
                RequestPolicy policy = DecoratedClients.policyOf(f.get(transport));
                if (policy != null) {
                    policy.transportClosed();
                }
            }
        } catch (Throwable t) {
            Log.debug("could not note the close of " + transport.getClass().getName() + ": " + t);
        }
    }

    private static Field[] clientFields(Class<?> type) {
        List<Field> found = new ArrayList<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                String t = f.getType().getName();
                if (!Modifier.isStatic(f.getModifiers())
                        && (t.equals("java.net.http.HttpClient") || t.equals("okhttp3.OkHttpClient"))) {
                    try {
                        f.setAccessible(true);
                        found.add(f);
                    } catch (RuntimeException e) {
                        // a module that does not open it: that transport's keep-alive ends when it is collected
                    }
                }
            }
        }
        return found.toArray(new Field[0]);
    }
}
