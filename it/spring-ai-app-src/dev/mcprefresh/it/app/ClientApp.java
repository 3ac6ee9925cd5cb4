package dev.mcprefresh.it.app;

import dev.mcprefresh.it.fixtures.ClientLoop;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import org.springframework.boot.CommandLineRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * A Spring Boot app on Spring AI's MCP client starter, configured by properties (one Streamable HTTP connection) and
 * given a static bearer header the way the starter's documentation allows (a customizer bean, per version in
 * {@code StaticHeader}). It starts, calls a tool, waits past the token's expiry, calls again. The client is not
 * initialised during start-up ({@code spring.ai.mcp.client.initialized=false}, as the Spring AI docs advise when tokens
 * are involved) so that a failure shows up in the summary rather than as a failed start.
 */
@SpringBootApplication
@Import(StaticHeader.class)
public class ClientApp {
    private static ClientLoop loop;

    public static void main(String[] args) throws Exception {
        loop = new ClientLoop(args);
        SpringApplication app = new SpringApplication(ClientApp.class);
        app.setDefaultProperties(Map.of(
                "spring.main.web-application-type", "none",
                "spring.main.banner-mode", "off",
                "spring.ai.mcp.client.initialized", "false",
                "spring.ai.mcp.client.request-timeout", "4s",
                "spring.ai.mcp.client.streamable-http.connections.it.url", loop.baseUrl,
                "spring.ai.mcp.client.streamable-http.connections.it.endpoint", "/mcp"));
        app.run(args);
    }

    static ClientLoop loop() {
        return loop;
    }

    @Bean
    CommandLineRunner callTools(List<McpSyncClient> clients) {
        return args -> {
            McpSyncClient client = clients.get(0);
            loop.run(client::initialize, () -> {
                McpSchema.CallToolResult r = client.callTool(new McpSchema.CallToolRequest("ping", Map.of()));
                return ((McpSchema.TextContent) r.content().get(0)).text();
            }, client::closeGracefully);
        };
    }
}
