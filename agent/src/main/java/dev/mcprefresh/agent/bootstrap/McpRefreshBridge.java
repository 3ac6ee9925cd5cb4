package dev.mcprefresh.agent.bootstrap;

import java.util.function.Consumer;

/**
 * Loaded by the bootstrap class loader, so the one call injected into an MCP transport builder resolves from any
 * class loader. It uses java.* types only; the agent (on the app class path) installs the hook.
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
