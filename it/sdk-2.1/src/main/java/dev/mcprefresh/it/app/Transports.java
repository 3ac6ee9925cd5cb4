package dev.mcprefresh.it.app;

import dev.mcprefresh.it.fixtures.ClientLoop;
import io.modelcontextprotocol.client.transport.HttpClientSseClientTransport;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpClientTransport;
import java.net.http.HttpRequest;

/** SDK 2.1's ways to set a static header: the request template, or a request customizer (also beside the app's own
 * authorization error handler). */
final class Transports {
    private Transports() {
    }

    static McpClientTransport create(ClientLoop loop) {
        String header = loop.staticHeader();
        switch (loop.mode) {
            case "streamable-requestBuilder":
                return HttpClientStreamableHttpTransport.builder(loop.baseUrl).endpoint("/mcp")
                        .requestBuilder(HttpRequest.newBuilder().header("Authorization", header)).build();
            case "streamable-customizer":
                return HttpClientStreamableHttpTransport.builder(loop.baseUrl).endpoint("/mcp")
                        .httpRequestCustomizer((b, method, uri, body, ctx) -> b.header("Authorization", header))
                        .build();
            case "streamable-authorizationErrorHandler": // the app reacts to 401/403 itself (SDK 1.1+)
                return HttpClientStreamableHttpTransport.builder(loop.baseUrl).endpoint("/mcp")
                        .httpRequestCustomizer((b, method, uri, body, ctx) -> b.header("Authorization", header))
                        .authorizationErrorHandler(AppErrorHandler.create()).build();
            case "sse-requestBuilder":
                return HttpClientSseClientTransport.builder(loop.baseUrl).sseEndpoint("/sse")
                        .requestBuilder(HttpRequest.newBuilder().header("Authorization", header)).build();
            default:
                throw new IllegalArgumentException("unknown mode " + loop.mode);
        }
    }
}
