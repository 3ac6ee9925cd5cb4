package dev.mcprefresh.agent.bridge;

import java.net.http.HttpClient;

/**
 * Where the code patched into MCP client classes lands. Entry calls reach this class reflectively through the system
 * class loader (which holds the agent jar) and use java.* types only, so they resolve from any class loader, OSGi and
 * child-first ones included, with no bootstrap class-path entry (appending one turns off class-data sharing for every
 * application class, a start-up cost for the whole app). Field reads call {@link #httpClientOf} directly; they are
 * patched in only where the class's loader resolves this class to this very one.
 *
 * <p>Each public method is a role, named in the libraries' target tables; which library's hook serves a call is
 * decided by the class of its target ({@link BridgeHooks}), so adding a library never changes this class.
 */
public final class McpRefreshBridge {
    /** Every call goes here; null until the agent has started. */
    public static volatile BridgeHooks hooks;

    /** Role of the entry of a transport builder's {@code build()}. */
    public static final String BEFORE_BUILD = "beforeBuild";
    /** Role of the entry of a transport's start (before its first request). */
    public static final String TRANSPORT_STARTING = "transportStarting";
    /** Role of the entry of a transport's close. */
    public static final String TRANSPORT_CLOSING = "transportClosing";
    /** Role of a transport's read of its own java.net.http client. */
    public static final String HTTP_CLIENT_OF = "httpClientOf";

    private McpRefreshBridge() {
    }

    /** Called from an instrumented builder's {@code build()}; never throws. */
    public static void beforeBuild(Object builder) {
        entry(BEFORE_BUILD, builder);
    }

    /** Called from an instrumented transport's start method; never throws. */
    public static void transportStarting(Object transport) {
        entry(TRANSPORT_STARTING, transport);
    }

    /** Called from an instrumented transport's close method; never throws. */
    public static void transportClosing(Object transport) {
        entry(TRANSPORT_CLOSING, transport);
    }

    /**
     * Replaces a transport's every read of its own {@code HttpClient} field: the client it should send with, the
     * decorated one when the agent serves that transport, else the field's own value. Never throws where the field
     * could be read.
     */
    public static HttpClient httpClientOf(Object transport) {
        BridgeHooks h = hooks;
        if (h != null) {
            try {
                return (HttpClient) h.fieldRead(HTTP_CLIENT_OF, transport);
            } catch (Throwable t) {
                // read it here instead
            }
        }
        return OwnHttpClient.of(transport);
    }

    private static void entry(String role, Object target) {
        BridgeHooks h = hooks;
        if (h == null) {
            return;
        }
        try {
            h.entry(role, target);
        } catch (Throwable ignored) {
            // The hook logs its own failures; nothing may reach the app.
        }
    }
}
