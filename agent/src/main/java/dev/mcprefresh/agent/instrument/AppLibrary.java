package dev.mcprefresh.agent.instrument;

import dev.mcprefresh.agent.inject.HelperClasses;
import dev.mcprefresh.agent.inject.HelperSet;
import dev.mcprefresh.agent.inject.HelperUnavailable;
import dev.mcprefresh.core.log.Log;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where the agent's helpers for one of the app's libraries (Spring WebFlux, OkHttp) can serve it. They are compiled
 * against the library: for an app run from a class path the agent's own copies link to the app's library; for a
 * Spring Boot executable jar or an application server, where the library sits behind a loader of the app's, copies
 * are defined beside it ({@link HelperClasses}). When neither can be had the transport is left alone, said once.
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
        warnOnce(library, appType, "which the agent cannot reach (a Spring Boot fat jar or an application server?)");
        return false;
    }

    /**
     * {@code set}'s entry class as it links to the library {@code appType} uses: the agent's own when that library is
     * the agent loader's too, else a copy defined in the library's loader; null when neither (said once). Never
     * throws.
     */
    public static Class<?> helperFor(HelperSet set, Class<?> appType) {
        try {
            Class<?> appView = Class.forName(set.libraryType(), false, appType.getClassLoader());
            if (appView == agentView(set.libraryType())) {
                return Class.forName(set.entry(), true, AppLibrary.class.getClassLoader());
            }
            return HelperClasses.entryIn(appView.getClassLoader(), set);
        } catch (HelperUnavailable e) {
            warnOnce(set.library(), appType, "where the agent cannot define its " + set.library() + " helpers ("
                    + e.getMessage() + ")");
        } catch (Throwable t) {
            warnOnce(set.library(), appType, "where the agent could not set up its " + set.library()
                    + " helpers (" + t.getClass().getName() + ")");
        }
        return null;
    }

    private static Class<?> agentView(String typeName) {
        try {
            return Class.forName(typeName, false, AppLibrary.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return null; // the usual case in an executable jar: the agent's loader has no such library
        }
    }

    private static void warnOnce(String library, Class<?> appType, String why) {
        if (WARNED.add(library)) {
            ClassLoader loader = appType.getClassLoader();
            Log.warn(library + " is loaded by " + (loader == null ? "the boot loader" : loader.getClass().getName())
                    + ", " + why + "; MCP transports on " + library + " are left as the app built them");
        }
    }
}
