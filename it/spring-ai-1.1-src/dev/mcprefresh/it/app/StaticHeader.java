package dev.mcprefresh.it.app;

import io.modelcontextprotocol.client.transport.customizer.McpSyncHttpClientRequestCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Spring AI 1.1 (every release of the line): a request customizer bean, which the starter hands to every HttpClient transport it builds. */
@Configuration
class StaticHeader {
    @Bean
    McpSyncHttpClientRequestCustomizer staticBearer() {
        String header = ClientApp.loop().staticHeader();
        return (builder, method, uri, body, context) -> builder.header("Authorization", header);
    }
}
