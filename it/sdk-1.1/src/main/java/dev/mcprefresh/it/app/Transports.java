package dev.mcprefresh.it.app;

import dev.mcprefresh.it.fixtures.ClientLoop;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpClientTransport;
import java.net.http.HttpRequest;

/**
 * SDK 1.1's ways to set a static header (the request template, a request customizer), and an app that also installs
 * its own authorization error handler (1.1 is the first line that has one).
 */
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
            case "streamable-authorizationErrorHandler":
                return HttpClientStreamableHttpTransport.builder(loop.baseUrl).endpoint("/mcp")
                        .httpRequestCustomizer((b, method, uri, body, ctx) -> b.header("Authorization", header))
                        .authorizationErrorHandler(AppErrorHandler.create()).build();
            default:
                throw new IllegalArgumentException("unknown mode " + loop.mode);
        }
    }
}
