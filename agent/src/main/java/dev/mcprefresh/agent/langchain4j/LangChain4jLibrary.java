package dev.mcprefresh.agent.langchain4j;

import static dev.mcprefresh.agent.bridge.McpRefreshBridge.HTTP_CLIENT_OF;
import static dev.mcprefresh.agent.bridge.McpRefreshBridge.TRANSPORT_CLOSING;
import static dev.mcprefresh.agent.bridge.McpRefreshBridge.TRANSPORT_STARTING;

import dev.mcprefresh.agent.bridge.BridgeHooks;
import dev.mcprefresh.agent.library.LibrarySupport;
import dev.mcprefresh.agent.library.RoleHooks;
import dev.mcprefresh.agent.library.Targets;
import dev.mcprefresh.agent.lifecycle.TransportCloseHook;
import dev.mcprefresh.core.session.CredentialsRegistry;
import java.util.function.Supplier;

/**
 * LangChain4j's MCP HTTP transports (1.4, the first release with custom headers, to the newest). Both build their
 * client inside their constructors, where the app cannot reach it. The Streamable HTTP transport reads its
 * java.net.http client through the bridge, which answers with the decorated client (the field is never written). The
 * legacy HTTP+SSE transport's OkHttp client field is loaded non-final and gets a client with the agent's interceptor
 * as the transport starts ({@code DefaultMcpClient} calls {@code start} once, before the first request).
 */
public final class LangChain4jLibrary implements LibrarySupport {
    static final String PACKAGE = "dev/langchain4j/mcp/client/transport/";
    static final String STREAMABLE = PACKAGE + "http/StreamableHttpMcpTransport";
    static final String LEGACY_SSE = PACKAGE + "http/HttpMcpTransport";

    @Override
    public void targets(Targets t, boolean attached) {
        t.fieldRead(STREAMABLE, "httpClient:Ljava/net/http/HttpClient;", HTTP_CLIENT_OF)
                .entryCall(STREAMABLE, "close()V", TRANSPORT_CLOSING);
        t.entryCall(LEGACY_SSE, "start(L" + PACKAGE + "McpOperationHandler;)V", TRANSPORT_STARTING)
                .writable(LEGACY_SSE, "client:Lokhttp3/OkHttpClient;")
                .entryCall(LEGACY_SSE, "close()V", TRANSPORT_CLOSING);
    }

    @Override
    public BridgeHooks hooks(Supplier<CredentialsRegistry> registry) {
        return new RoleHooks().fieldRead(HTTP_CLIENT_OF, new StreamableClients(registry))
                .entry(TRANSPORT_STARTING, new LegacySseHook(registry))
                .entry(TRANSPORT_CLOSING, new TransportCloseHook());
    }
}
