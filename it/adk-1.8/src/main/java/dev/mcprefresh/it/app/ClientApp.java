package dev.mcprefresh.it.app;

import com.google.adk.tools.BaseTool;
import com.google.adk.tools.mcp.McpToolset;
import com.google.adk.tools.mcp.StreamableHttpServerParameters;
import dev.mcprefresh.it.fixtures.ClientLoop;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A Google ADK app as users write it: the MCP toolset's connection parameters carry a static bearer header, set once
 * and never refreshed. ADK's DefaultMcpTransportBuilder adds it to every request of the MCP SDK transport it builds.
 * The tool is run as an agent's LLM flow would run it ({@code runAsync}), with no model involved.
 */
public final class ClientApp {
    private ClientApp() {
    }

    public static void main(String[] args) throws Exception {
        ClientLoop loop = new ClientLoop(args);
        if (!"headers".equals(loop.mode)) {
            throw new IllegalArgumentException("unknown mode " + loop.mode);
        }
        McpToolset[] toolset = new McpToolset[1];
        BaseTool[] ping = new BaseTool[1];
        loop.run(() -> {
            toolset[0] = new McpToolset(StreamableHttpServerParameters.builder().url(loop.baseUrl + "/mcp")
                    .headers(Map.of("Authorization", loop.staticHeader())).timeout(Duration.ofSeconds(8))
                    .readTimeout(Duration.ofSeconds(4)).build());
            List<BaseTool> tools = toolset[0].getTools(null).toList().blockingGet();
            ping[0] = tools.stream().filter(t -> t.name().equals("ping")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("the server lists no ping tool"));
            return null;
        }, () -> text(ping[0].runAsync(Map.of(), null).blockingGet()), () -> toolset[0].close());
    }

    /** ADK wraps a tool result as {@code {text_output: [{text: ...}]}}, a failure as {@code {error: ...}}. */
    private static String text(Map<String, Object> result) {
        if (result.containsKey("error")) {
            return "error";
        }
        Object out = result.get("text_output");
        if (out instanceof List<?> items && !items.isEmpty() && items.get(0) instanceof Map<?, ?> first) {
            return String.valueOf(first.get("text"));
        }
        return "unexpected";
    }
}
