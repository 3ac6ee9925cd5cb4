package dev.mcprefresh.it.app;

import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import org.springframework.ai.mcp.customizer.McpClientCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Spring AI 2.0: an McpClientCustomizer bean for the Streamable HTTP transport builder (request customizer beans
 * are no longer read). */
@Configuration
class StaticHeader {
    @Bean
    McpClientCustomizer<HttpClientStreamableHttpTransport.Builder> staticBearer() {
        String header = ClientApp.loop().staticHeader();
        return (name, builder) -> builder.httpRequestCustomizer(
                (request, method, uri, body, context) -> request.header("Authorization", header));
    }
}
