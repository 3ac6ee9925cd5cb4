package dev.mcprefresh.it.app;

import dev.mcprefresh.it.fixtures.ClientLoop;
import io.modelcontextprotocol.client.transport.WebClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.WebFluxSseClientTransport;
import io.modelcontextprotocol.spec.McpClientTransport;
import org.springframework.web.reactive.function.client.WebClient;

/** webflux-0.18: Streamable HTTP and SSE over WebClient, the static header as a default header of the WebClient.Builder. */
final class Transports {
    private Transports() {
    }

    static McpClientTransport create(ClientLoop loop) {
        WebClient.Builder web = WebClient.builder().baseUrl(loop.baseUrl).defaultHeader("Authorization",
                loop.staticHeader());
        switch (loop.mode) {
            case "webclient-streamable-defaultHeader":
                return WebClientStreamableHttpTransport.builder(web).endpoint("/mcp").build();
            case "webflux-sse-defaultHeader":
                return WebFluxSseClientTransport.builder(web).sseEndpoint("/sse").build();
            default:
                throw new IllegalArgumentException("unknown mode " + loop.mode);
        }
    }
}
