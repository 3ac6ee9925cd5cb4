package dev.mcprefresh.it.app;

import dev.mcprefresh.it.fixtures.ClientLoop;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.Map;

/**
 * An MCP client app as users write it: the bearer token is set once, statically, and never refreshed. This source
 * is compiled once per SDK version (it/sdk-*), whose own {@code Transports} builds the transport with that
 * version's header API; the sync client API used here is the same in every version.
 */
public final class ClientApp {
    private ClientApp() {
    }

    public static void main(String[] args) throws Exception {
        ClientLoop loop = new ClientLoop(args);
        McpSyncClient client = McpClient.sync(Transports.create(loop)).requestTimeout(Duration.ofSeconds(4))
                .initializationTimeout(Duration.ofSeconds(8)).build();
        loop.run(client::initialize, () -> {
            McpSchema.CallToolResult r = client.callTool(new McpSchema.CallToolRequest("ping", Map.of()));
            return ((McpSchema.TextContent) r.content().get(0)).text();
        }, client::closeGracefully);
    }
}
