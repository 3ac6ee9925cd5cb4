package dev.mcprefresh.agent.sdk;

import static dev.mcprefresh.agent.bridge.McpRefreshBridge.BEFORE_BUILD;
import static dev.mcprefresh.agent.bridge.McpRefreshBridge.HTTP_CLIENT_OF;
import static dev.mcprefresh.agent.bridge.McpRefreshBridge.TRANSPORT_CLOSING;

import dev.mcprefresh.agent.bridge.BridgeHooks;
import dev.mcprefresh.agent.library.LibrarySupport;
import dev.mcprefresh.agent.library.RoleHooks;
import dev.mcprefresh.agent.library.Targets;
import dev.mcprefresh.agent.lifecycle.TransportCloseHook;
import dev.mcprefresh.core.session.CredentialsRegistry;
import java.util.function.Supplier;

/**
 * The MCP Java SDK's java.net.http transports (0.9 to 2.x). Each builder's {@code build()} (exact descriptors: a class
 * with another {@code build()} is a fork and is skipped) gets its client builder decorated; closing a transport ends
 * its grant's keep-alive; after a late attach, a transport built before the agent came reads its {@code httpClient}
 * through the bridge, which answers with the decorated client.
 */
public final class SdkLibrary implements LibrarySupport {
    static final String PACKAGE = "io/modelcontextprotocol/client/transport/";
    private static final String[] TRANSPORTS = {"HttpClientStreamableHttpTransport", "HttpClientSseClientTransport"};

    @Override
    public void targets(Targets t, boolean attached) {
        for (String transport : TRANSPORTS) {
            t.entryCall(PACKAGE + transport + "$Builder", "build()L" + PACKAGE + transport + ";", BEFORE_BUILD);
            t.entryCall(PACKAGE + transport, "closeGracefully()Lreactor/core/publisher/Mono;", TRANSPORT_CLOSING);
            if (attached) {
                t.fieldRead(PACKAGE + transport, "httpClient:Ljava/net/http/HttpClient;", HTTP_CLIENT_OF);
            }
        }
    }

    @Override
    public BridgeHooks hooks(Supplier<CredentialsRegistry> registry) {
        return new RoleHooks().entry(BEFORE_BUILD, new SdkBuilderHook(registry))
                .entry(TRANSPORT_CLOSING, new TransportCloseHook())
                .fieldRead(HTTP_CLIENT_OF, new RunningTransportClients(registry));
    }
}
