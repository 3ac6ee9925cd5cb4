package dev.mcprefresh.it.app;

import dev.mcprefresh.it.fixtures.ClientLoop;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;

/**
 * The {@link ClientApp} loop on a Streamable HTTP transport whose own {@code HttpClient} follows redirects
 * ({@code clientBuilder(HttpClient.newBuilder().followRedirects(NORMAL))}, as apps behind moved endpoints set it),
 * with a static bearer header, on an endpoint path given on the command line (e.g. a path the server answers with
 * a 307). Arguments: mode base-url calls interval-ms token-file endpoint; mode is {@code streamable-followRedirects}.
 */
public final class FollowRedirectsClientApp {
    private FollowRedirectsClientApp() {
    }

    public static void main(String[] args) throws Exception {
        ClientLoop loop = new ClientLoop(args, 6,
                "usage: streamable-followRedirects <base-url> <calls> <interval-ms> <token-file> <endpoint>");
        if (!loop.mode.equals("streamable-followRedirects")) {
            throw new IllegalArgumentException("unknown mode " + loop.mode);
        }
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(loop.baseUrl)
                .endpoint(args[5])
                .clientBuilder(HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL))
                .requestBuilder(HttpRequest.newBuilder().header("Authorization", loop.staticHeader()))
                .build();
        McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(4))
                .initializationTimeout(Duration.ofSeconds(8)).build();
        loop.run(client::initialize, () -> {
            McpSchema.CallToolResult r = client.callTool(new McpSchema.CallToolRequest("ping", Map.of()));
            return ((McpSchema.TextContent) r.content().get(0)).text();
        }, client::closeGracefully);
    }
}
