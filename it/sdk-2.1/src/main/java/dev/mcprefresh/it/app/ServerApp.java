package dev.mcprefresh.it.app;

import dev.mcprefresh.it.fixtures.TestServers;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.transport.HttpServletSseServerTransportProvider;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.http.HttpServlet;
import java.util.List;
import java.util.Map;

/** An MCP server on SDK 2.1 with one tool, "ping", behind the bearer gate. */
public final class ServerApp {
    public static void main(String[] a) throws Exception {
        TestServers.ServerArgs args = new TestServers.ServerArgs(a);
        McpSchema.Tool tool = McpSchema.Tool.builder("ping", Map.of("type", "object")).description("answers pong").build();
        McpServerFeatures.SyncToolSpecification ping = McpServerFeatures.SyncToolSpecification.builder().tool(tool)
                .callHandler((exchange, request) -> McpSchema.CallToolResult.builder(
                        List.of(new McpSchema.TextContent("pong"))).build())
                .build();
        McpSchema.ServerCapabilities caps = McpSchema.ServerCapabilities.builder().tools(true).build();
        HttpServlet servlet;
        if (args.transport.equals("sse")) {
            HttpServletSseServerTransportProvider p = HttpServletSseServerTransportProvider.builder()
                    .sseEndpoint("/sse").messageEndpoint("/mcp/message").build();
            McpServer.sync(p).serverInfo("it-server", "2.1").capabilities(caps).tools(ping).build();
            servlet = p;
        } else {
            HttpServletStreamableServerTransportProvider p = HttpServletStreamableServerTransportProvider.builder()
                    .mcpEndpoint("/mcp").build();
            McpServer.sync(p).serverInfo("it-server", "2.1").capabilities(caps).tools(ping).build();
            servlet = p;
        }
        TestServers.start(args, servlet);
    }
}
