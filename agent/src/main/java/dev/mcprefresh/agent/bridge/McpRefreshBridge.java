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
    /** Receives a transport about to send or connect; set only when the agent was attached to a running JVM. */
    public static volatile Consumer<Object> transportInUseHook;
    /** Receives a built transport as its client starts it, before its first request (LangChain4j). */
    public static volatile Consumer<Object> transportStartHook;
    /** Receives a transport the app is closing. */
    public static volatile Consumer<Object> transportCloseHook;
    /** Receives a Spring WebClient transport builder at {@code build()} entry. */
    public static volatile Consumer<Object> webClientBuilderHook;

    private McpRefreshBridge() {
    }

    /** Called from the instrumented {@code build()}; never throws. */
    public static void beforeBuild(Object builder) {
        dispatch(transportBuilderHook, builder);
    }

    /** Called from an instrumented transport's sendMessage/connect after a late attach; never throws. */
    public static void transportInUse(Object transport) {
        dispatch(transportInUseHook, transport);
    }

    /** Called from an instrumented WebClient transport builder's {@code build()}; never throws. */
    public static void beforeWebClientBuild(Object builder) {
        dispatch(webClientBuilderHook, builder);
    }

    /** Called from an instrumented transport's start method; never throws. */
    public static void transportStarting(Object transport) {
        dispatch(transportStartHook, transport);
    }

    /** Called from an instrumented transport's close method; never throws. */
    public static void transportClosing(Object transport) {
        dispatch(transportCloseHook, transport);
    }

    private static void dispatch(Consumer<Object> hook, Object target) {
        if (hook == null) {
            return;
        }
        try {
            hook.accept(target);
        } catch (Throwable ignored) {
            // The hook logs its own failures; nothing may reach the app.
        }
    }
}
