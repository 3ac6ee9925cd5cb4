package dev.mcprefresh.agent.langchain4j;

import java.util.Map;

/**
 * Where LangChain4j's MCP transports get the bridge call. Its HTTP transports build their client inside their
 * constructors, where the app cannot reach it, and {@code DefaultMcpClient} calls {@code start(McpOperationHandler)}
 * once, before the first request: that is where the client is decorated.
 * The signature is the same from 1.4 (the first release with custom headers) to the newest.
 */
public final class LangChain4jTargets {
    public static final String PACKAGE = "dev/langchain4j/mcp/client/transport/";

    private static final Map<String, String> START = Map.of("start(L" + PACKAGE + "McpOperationHandler;)V",
            "transportStarting", "close()V", "transportClosing");

    /** Streamable HTTP (java.net.http), and the legacy HTTP+SSE transport (OkHttp). */
    public static final Map<String, Map<String, String>> TRANSPORTS = Map.of(
            PACKAGE + "http/StreamableHttpMcpTransport", START,
            PACKAGE + "http/HttpMcpTransport", START);

    private LangChain4jTargets() {
    }
}
