package dev.mcprefresh.it.app;

import dev.mcprefresh.it.fixtures.ClientLoop;
import io.modelcontextprotocol.client.transport.HttpClientSseClientTransport;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpClientTransport;
import java.net.http.HttpRequest;

/** SDK 0.11's ways to set a static header: customizeRequest, the request template, the 4-argument customizer. */
final class Transports {
    private Transports() {
    }

    static McpClientTransport create(ClientLoop loop) {
        String header = loop.staticHeader();
        switch (loop.mode) {
            case "streamable-customizeRequest":
                return HttpClientStreamableHttpTransport.builder(loop.baseUrl).endpoint("/mcp")
                        .customizeRequest(b -> b.header("Authorization", header)).build();
            case "streamable-requestBuilder":
                return HttpClientStreamableHttpTransport.builder(loop.baseUrl).endpoint("/mcp")
                        .requestBuilder(HttpRequest.newBuilder().header("Authorization", header)).build();
            case "streamable-customizer":
                return HttpClientStreamableHttpTransport.builder(loop.baseUrl).endpoint("/mcp")
                        .httpRequestCustomizer((b, method, uri, body) -> b.header("Authorization", header)).build();
            case "sse-customizeRequest":
                return HttpClientSseClientTransport.builder(loop.baseUrl).sseEndpoint("/sse")
                        .customizeRequest(b -> b.header("Authorization", header)).build();
            default:
                throw new IllegalArgumentException("unknown mode " + loop.mode);
        }
    }
}
