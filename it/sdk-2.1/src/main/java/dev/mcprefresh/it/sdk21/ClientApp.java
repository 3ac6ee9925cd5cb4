package dev.mcprefresh.it.sdk21;

import dev.mcprefresh.it.fixtures.ClientLoop;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientSseClientTransport;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;

/** An app as users write it on SDK 2.1: the bearer token is set once, statically, and never refreshed. */
public final class ClientApp {
    public static void main(String[] args) throws Exception {
        ClientLoop loop = new ClientLoop(args);
        McpSyncClient client = McpClient.sync(transport(loop)).requestTimeout(Duration.ofSeconds(4))
                .initializationTimeout(Duration.ofSeconds(8)).build();
        loop.run(client::initialize, () -> {
            McpSchema.CallToolResult r = client.callTool(new McpSchema.CallToolRequest("ping", Map.of()));
            return ((McpSchema.TextContent) r.content().get(0)).text();
        }, client::closeGracefully);
    }

    private static McpClientTransport transport(ClientLoop loop) {
        String header = loop.staticHeader();
        switch (loop.mode) {
            case "streamable-requestBuilder":
                return HttpClientStreamableHttpTransport.builder(loop.baseUrl).endpoint("/mcp")
                        .requestBuilder(HttpRequest.newBuilder().header("Authorization", header)).build();
            case "streamable-customizer":
                return HttpClientStreamableHttpTransport.builder(loop.baseUrl).endpoint("/mcp")
                        .httpRequestCustomizer((b, method, uri, body, ctx) -> b.header("Authorization", header))
                        .build();
            case "sse-requestBuilder":
                return HttpClientSseClientTransport.builder(loop.baseUrl).sseEndpoint("/sse")
                        .requestBuilder(HttpRequest.newBuilder().header("Authorization", header)).build();
            default:
                throw new IllegalArgumentException("unknown mode " + loop.mode);
        }
    }
}
