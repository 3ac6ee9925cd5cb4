package dev.mcprefresh.it.app;

import dev.langchain4j.mcp.client.transport.McpTransport;
import dev.langchain4j.mcp.client.transport.http.HttpMcpTransport;
import dev.langchain4j.mcp.client.transport.http.StreamableHttpMcpTransport;
import dev.mcprefresh.it.fixtures.ClientLoop;
import java.util.Map;

/** LangChain4j 1.4, the first with custom headers: only a map, on Streamable HTTP or the legacy HTTP+SSE transport. */
final class Headers {
    private Headers() {
    }

    static McpTransport transport(ClientLoop loop) {
        Map<String, String> headers = Map.of("Authorization", loop.staticHeader());
        switch (loop.mode) {
            case "map":
                return new StreamableHttpMcpTransport.Builder().url(loop.baseUrl + "/mcp").customHeaders(headers).build();
            case "sse-map":
                return new HttpMcpTransport.Builder().sseUrl(loop.baseUrl + "/sse").customHeaders(headers).build();
            default:
                throw new IllegalArgumentException("unknown mode " + loop.mode);
        }
    }
}
