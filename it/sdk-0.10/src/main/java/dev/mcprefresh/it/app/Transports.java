package dev.mcprefresh.it.app;

import dev.mcprefresh.it.fixtures.ClientLoop;
import io.modelcontextprotocol.client.transport.HttpClientSseClientTransport;
import io.modelcontextprotocol.spec.McpClientTransport;
import java.net.http.HttpRequest;

/** SDK 0.10 has the legacy SSE transport only: customizeRequest or the request template. */
final class Transports {
    private Transports() {
    }

    static McpClientTransport create(ClientLoop loop) {
        String header = loop.staticHeader();
        switch (loop.mode) {
            case "sse-customizeRequest":
                return HttpClientSseClientTransport.builder(loop.baseUrl).sseEndpoint("/sse")
                        .customizeRequest(b -> b.header("Authorization", header)).build();
            case "sse-requestBuilder":
                return HttpClientSseClientTransport.builder(loop.baseUrl).sseEndpoint("/sse")
                        .requestBuilder(HttpRequest.newBuilder().header("Authorization", header)).build();
            default:
                throw new IllegalArgumentException("unknown mode " + loop.mode);
        }
    }
}
