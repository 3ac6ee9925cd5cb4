package dev.mcprefresh.it.app;

import dev.langchain4j.mcp.client.transport.McpTransport;
import dev.langchain4j.mcp.client.transport.http.StreamableHttpMcpTransport;
import dev.mcprefresh.it.fixtures.ClientLoop;
import java.util.Map;

/** LangChain4j 1.4, the first with custom headers: only a map. */
final class Headers {
    private Headers() {
    }

    static McpTransport transport(ClientLoop loop) {
        if (!loop.mode.equals("map")) {
            throw new IllegalArgumentException("unknown mode " + loop.mode);
        }
        return new StreamableHttpMcpTransport.Builder().url(loop.baseUrl + "/mcp")
                .customHeaders(Map.of("Authorization", loop.staticHeader())).build();
    }
}
