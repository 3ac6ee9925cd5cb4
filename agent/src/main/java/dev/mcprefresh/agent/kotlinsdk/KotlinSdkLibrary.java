package dev.mcprefresh.agent.kotlinsdk;

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
 * The Kotlin MCP SDK's HTTP transports, on Ktor (0.7, 0.14 and 0.16 tested). Starting a transport puts the agent's interceptor on
 * the Ktor client it sends with (nothing in the transport is written, so it works after a late attach too); closing
 * it ends its grant's keep-alive. Early releases implement start and close in each transport; later ones (0.14 does)
 * make those final in a shared superclass that calls the transport's initialize and closeResources: each name the
 * class has gets the call. A suspend method re-enters on each resumption; the start hook counts a transport once and
 * a repeated close notice is harmless.
 */
public final class KotlinSdkLibrary implements LibrarySupport {
    static final String PACKAGE = "io/modelcontextprotocol/kotlin/sdk/client/";
    private static final String SUSPEND = "(Lkotlin/coroutines/Continuation;)Ljava/lang/Object;";

    @Override
    public void targets(Targets t, boolean attached) {
        for (String transport : new String[] {"StreamableHttpClientTransport", "SseClientTransport"}) {
            t.entryCall(PACKAGE + transport, "start" + SUSPEND + "|initialize" + SUSPEND, TRANSPORT_STARTING)
                    .entryCall(PACKAGE + transport, "close" + SUSPEND + "|closeResources" + SUSPEND, TRANSPORT_CLOSING);
        }
    }

    @Override
    public BridgeHooks hooks(Supplier<CredentialsRegistry> registry) {
        return new RoleHooks().entry(TRANSPORT_STARTING, new KotlinTransportHook(registry))
                .entry(TRANSPORT_CLOSING, new TransportCloseHook());
    }
}
