package dev.mcprefresh.agent.spring;

import static dev.mcprefresh.agent.bridge.McpRefreshBridge.BEFORE_BUILD;

import dev.mcprefresh.agent.bridge.BridgeHooks;
import dev.mcprefresh.agent.library.LibrarySupport;
import dev.mcprefresh.agent.library.RoleHooks;
import dev.mcprefresh.agent.library.Targets;
import dev.mcprefresh.core.session.CredentialsRegistry;
import java.util.function.Supplier;

/**
 * The Spring WebClient MCP transports: the SDK's {@code mcp-spring-webflux} (0.10 to 0.18, also what Spring AI 1.x
 * builds) and Spring AI 2.x's own copy. Their builders' {@code build()} gets the agent's exchange filter on a copy of
 * the app's WebClient builder, set in the transport builder's {@code webClientBuilder} field (final in the SSE
 * builder: loaded non-final).
 */
public final class SpringWebClientLibrary implements LibrarySupport {
    static final String SDK_PACKAGE = "io/modelcontextprotocol/client/transport/";
    static final String SPRING_AI_PACKAGE = "org/springframework/ai/mcp/client/webflux/transport/";
    private static final String WEB_CLIENT_BUILDER =
            "webClientBuilder:Lorg/springframework/web/reactive/function/client/WebClient$Builder;";

    @Override
    public void targets(Targets t, boolean attached) {
        for (String pkg : new String[] {SDK_PACKAGE, SPRING_AI_PACKAGE}) {
            for (String transport : new String[] {"WebClientStreamableHttpTransport", "WebFluxSseClientTransport"}) {
                t.entryCall(pkg + transport + "$Builder", "build()L" + pkg + transport + ";", BEFORE_BUILD)
                        .writable(pkg + transport + "$Builder", WEB_CLIENT_BUILDER);
            }
        }
    }

    @Override
    public BridgeHooks hooks(Supplier<CredentialsRegistry> registry) {
        return new RoleHooks().entry(BEFORE_BUILD, new WebClientTransportHook(registry));
    }
}
