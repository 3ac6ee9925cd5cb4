package dev.mcprefresh.it.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcprefresh.it.fixtures.TestServers;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.transport.HttpServletSseServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;

/** An MCP server on SDK 0.10 (legacy SSE) with one tool, "ping", behind the bearer gate. */
public final class ServerApp {
    public static void main(String[] a) throws Exception {
        TestServers.ServerArgs args = new TestServers.ServerArgs(a);
        McpSchema.Tool tool = new McpSchema.Tool("ping", "answers pong", "{\"type\":\"object\"}");
        McpServerFeatures.SyncToolSpecification ping = new McpServerFeatures.SyncToolSpecification(tool,
                (exchange, arguments) -> new McpSchema.CallToolResult(List.of(new McpSchema.TextContent("pong")), false));
        HttpServletSseServerTransportProvider p = HttpServletSseServerTransportProvider.builder()
                .objectMapper(new ObjectMapper()).sseEndpoint("/sse").messageEndpoint("/mcp/message").build();
        McpServer.sync(p).serverInfo("it-server", "0.10")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build()).tools(ping).build();
        TestServers.start(args, p);
    }
}
