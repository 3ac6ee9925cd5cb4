package dev.mcprefresh.it.app;

import dev.langchain4j.mcp.client.McpHeadersSupplier;
import dev.langchain4j.mcp.client.transport.McpTransport;
import dev.langchain4j.mcp.client.transport.http.HttpMcpTransport;
import dev.langchain4j.mcp.client.transport.http.StreamableHttpMcpTransport;
import dev.mcprefresh.it.fixtures.ClientLoop;
import java.util.Map;

/**
 * LangChain4j 1.18: a map (the static header the agent keeps fresh; on Streamable HTTP or the legacy HTTP+SSE
 * transport), or the app's own headers supplier (which may
 * refresh tokens itself, so the agent stands down; here it returns the same static token to prove it did).
 */
final class Headers {
    private Headers() {
    }

    static McpTransport transport(ClientLoop loop) {
        StreamableHttpMcpTransport.Builder b = new StreamableHttpMcpTransport.Builder().url(loop.baseUrl + "/mcp");
        switch (loop.mode) {
            case "map":
                return b.customHeaders(Map.of("Authorization", loop.staticHeader())).build();
            case "sse-map":
                return new HttpMcpTransport.Builder().sseUrl(loop.baseUrl + "/sse")
                        .customHeaders(Map.of("Authorization", loop.staticHeader())).build();
            case "supplier":
                String header = loop.staticHeader();
                McpHeadersSupplier own = context -> Map.of("Authorization", header);
                return b.customHeaders(own).build();
            default:
                throw new IllegalArgumentException("unknown mode " + loop.mode);
        }
    }
}
