package dev.mcprefresh.it.app;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import java.net.http.HttpRequest;

/**
 * The start-up benchmark's MCP app: loads the SDK's transport and builds an MCP client with a static header, as an
 * app does at start (no network: the benchmark measures start-up, not the server). Argument: the server's base URL,
 * then optionally {@code stats}.
 */
public final class StartupApp {
    private StartupApp() {
    }

    public static void main(String[] args) {
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(args[0])
                .endpoint("/mcp").requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer static"))
                .build();
        McpSyncClient client = McpClient.sync(transport).build();
        System.out.println("BUILT " + client.getClass().getSimpleName());
        StartupStats.printAndExit(args);
    }
}
