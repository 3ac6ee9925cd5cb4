package dev.mcprefresh.it.app;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The WebFlux starter (Spring AI 1.1 and 2.0) builds each WebClient transport from the app's {@code WebClient.Builder}
 * bean, cloned: a static bearer header as that builder's default header.
 */
@Configuration
class StaticHeader {
    @Bean
    WebClient.Builder staticBearerWebClient() {
        return WebClient.builder().defaultHeader("Authorization", ClientApp.loop().staticHeader());
    }
}
