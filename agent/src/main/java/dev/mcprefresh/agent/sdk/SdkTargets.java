package dev.mcprefresh.agent.sdk;

import java.util.Map;

/**
 * Where the MCP Java SDK's java.net.http transports get the bridge call: each builder's {@code build()} (exact
 * descriptors: a class with another {@code build()} is a fork and is skipped), and, after a late attach only, the
 * transports' send and connect methods, so transports built before the agent came are fixed at their next use.
 */
public final class SdkTargets {
    public static final String PACKAGE = "io/modelcontextprotocol/client/transport/";

    /** Builder class -> method name + descriptor -> bridge method. */
    public static final Map<String, Map<String, String>> BUILDERS = Map.of(
            PACKAGE + "HttpClientStreamableHttpTransport$Builder",
            Map.of("build()L" + PACKAGE + "HttpClientStreamableHttpTransport;", "beforeBuild"),
            PACKAGE + "HttpClientSseClientTransport$Builder",
            Map.of("build()L" + PACKAGE + "HttpClientSseClientTransport;", "beforeBuild"));

    /** Closing a transport ends the keep-alive of its grant (on every start, not only after an attach). */
    private static final Map<String, String> CLOSE = Map.of("closeGracefully()Lreactor/core/publisher/Mono;",
            "transportClosing");

    public static final Map<String, Map<String, String>> TRANSPORTS = Map.of(
            PACKAGE + "HttpClientStreamableHttpTransport", CLOSE,
            PACKAGE + "HttpClientSseClientTransport", CLOSE);

    private static final Map<String, String> TRANSPORT_ENTRIES = Map.of(
            "sendMessage(Lio/modelcontextprotocol/spec/McpSchema$JSONRPCMessage;)Lreactor/core/publisher/Mono;",
            "transportInUse",
            "connect(Ljava/util/function/Function;)Lreactor/core/publisher/Mono;", "transportInUse");

    /** Only after a late attach. */
    public static final Map<String, Map<String, String>> RUNNING_TRANSPORTS = Map.of(
            PACKAGE + "HttpClientStreamableHttpTransport", TRANSPORT_ENTRIES,
            PACKAGE + "HttpClientSseClientTransport", TRANSPORT_ENTRIES);

    private SdkTargets() {
    }
}
