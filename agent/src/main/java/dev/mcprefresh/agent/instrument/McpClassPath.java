package dev.mcprefresh.agent.instrument;

import dev.mcprefresh.agent.library.EnabledLibraries;

/**
 * Whether an MCP client library can load in this JVM, asked once in premain. A registered class-file transformer
 * costs every class the JVM loads afterwards, the JDK's own archived classes included (their bytes are read again
 * for the transformer: about 35 ms of CPU over a small app's start-up, BENCHMARKS.md), so the agent registers one only
 * where it may have something to do.
 */
public final class McpClassPath {
    /** The launchers that load an app's libraries from nested jars, where a marker cannot be seen from premain. */
    private static final String[] LAUNCHERS = {
        "org/springframework/boot/loader/launch/Launcher.class", // Spring Boot executable jar, 3.2 and later
        "org/springframework/boot/loader/Launcher.class", // Spring Boot executable jar, before 3.2
        "io/quarkus/bootstrap/runner/QuarkusEntryPoint.class", // Quarkus fast-jar
    };

    private McpClassPath() {
    }

    /**
     * The first marker of an enabled library ({@link EnabledLibraries}) or launcher the loader can see (a resource
     * lookup: nothing is loaded), or null. A lookup that fails cannot rule MCP out, so it counts as found: the agent
     * then works as it would without this check.
     */
    public static String marker(ClassLoader loader, EnabledLibraries libraries) {
        String library = libraries.marker(loader);
        if (library != null) {
            return library;
        }
        for (String marker : LAUNCHERS) {
            try {
                if (loader.getResource(marker) != null) {
                    return marker;
                }
            } catch (Throwable t) {
                return marker;
            }
        }
        return null;
    }
}
