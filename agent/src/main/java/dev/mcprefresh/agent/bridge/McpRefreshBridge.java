package dev.mcprefresh.agent.bridge;

import java.util.function.Consumer;

/**
 * Where the code injected into an MCP transport builder lands. The injected code reaches this class reflectively
 * through the system class loader (which holds the agent jar) and uses java.* types only, so it resolves from any
 * class loader, OSGi and child-first ones included, with no bootstrap class-path entry (appending one turns off
 * class-data sharing for every application class, a start-up cost for the whole app).
 */
public final class McpRefreshBridge {
    /** Receives the transport builder at {@code build()} entry; null until the agent has started. */
    public static volatile Consumer<Object> transportBuilderHook;

    private McpRefreshBridge() {
    }

    /** Called from the instrumented {@code build()}; never throws. */
    public static void beforeBuild(Object builder) {
        Consumer<Object> hook = transportBuilderHook;
        if (hook == null) {
            return;
        }
        try {
            hook.accept(builder);
        } catch (Throwable ignored) {
            // The hook logs its own failures; nothing may reach the app.
        }
    }
}
