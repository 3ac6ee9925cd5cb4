package dev.mcprefresh.agent.instrument;

import dev.mcprefresh.core.log.Log;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether one of the app's libraries (Spring WebFlux, OkHttp) is the same one the agent's class loader sees. The
 * agent's helpers for such a library (a WebClient filter, an OkHttp interceptor) are compiled against it and link
 * through the agent's loader, so they can serve the app only then: true for apps run from a class path, false for
 * a Spring Boot fat jar or an application server, where the transport is left alone with one warning.
 */
public final class AppLibrary {
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    private AppLibrary() {
    }

    /** {@code typeName}: a type of the library; {@code appType}: the app class that uses it. */
    public static boolean sharedWithAgent(String typeName, Class<?> appType, String library) {
        try {
            Class<?> appView = Class.forName(typeName, false, appType.getClassLoader());
            Class<?> agentView = Class.forName(typeName, false, AppLibrary.class.getClassLoader());
            if (appView == agentView) {
                return true;
            }
        } catch (ClassNotFoundException | LinkageError e) {
            // not visible to the agent: said below
        }
        if (WARNED.add(library)) {
            Log.warn(library + " is loaded by " + appType.getClassLoader().getClass().getName() + ", which the agent"
                    + " cannot reach (a Spring Boot fat jar or an application server?); MCP transports on " + library
                    + " are left as the app built them. Run the app from a class path to have the agent keep their"
                    + " tokens fresh");
        }
        return false;
    }
}
