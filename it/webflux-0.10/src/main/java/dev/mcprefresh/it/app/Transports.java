package dev.mcprefresh.it.app;

import dev.mcprefresh.it.fixtures.ClientLoop;
import io.modelcontextprotocol.client.transport.WebFluxSseClientTransport;
import io.modelcontextprotocol.spec.McpClientTransport;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.WebClient;

/** mcp-spring-webflux 0.10 (Spring AI 1.0) has the SSE transport: a default header, or the app's own filter. */
final class Transports {
    private Transports() {
    }

    static McpClientTransport create(ClientLoop loop) {
        String header = loop.staticHeader();
        WebClient.Builder web = WebClient.builder().baseUrl(loop.baseUrl);
        switch (loop.mode) {
            case "webflux-sse-defaultHeader":
                return WebFluxSseClientTransport.builder(web.defaultHeader("Authorization", header))
                        .sseEndpoint("/sse").build();
            case "webflux-sse-filter":
                return WebFluxSseClientTransport.builder(web.filter((request, next) -> next.exchange(
                        ClientRequest.from(request).header("Authorization", header).build()))).sseEndpoint("/sse")
                        .build();
            default:
                throw new IllegalArgumentException("unknown mode " + loop.mode);
        }
    }
}
