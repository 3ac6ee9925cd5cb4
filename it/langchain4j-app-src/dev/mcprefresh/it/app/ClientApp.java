package dev.mcprefresh.it.app;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.mcp.client.DefaultMcpClient;
import dev.langchain4j.mcp.client.McpClient;
import dev.mcprefresh.it.fixtures.ClientLoop;
import java.time.Duration;

/**
 * A LangChain4j MCP app as users write it: the bearer token is set once, as a custom header, and never refreshed.
 * Compiled once per LangChain4j version (it/langchain4j-*), whose own {@code Headers} sets the header with that
 * version's API and whose {@code Results} reads a tool result.
 */
public final class ClientApp {
    private ClientApp() {
    }

    public static void main(String[] args) throws Exception {
        ClientLoop loop = new ClientLoop(args);
        McpClient[] client = new McpClient[1];
        loop.run(() -> {
            client[0] = new DefaultMcpClient.Builder().transport(Headers.transport(loop))
                    .initializationTimeout(Duration.ofSeconds(8)).toolExecutionTimeout(Duration.ofSeconds(4)).build();
            return null;
        }, () -> Results.text(client[0].executeTool(ToolExecutionRequest.builder().name("ping").arguments("{}")
                .build())), () -> {
                    try {
                        client[0].close();
                    } catch (Exception ignored) {
                        // closing is best effort
                    }
                });
    }
}
