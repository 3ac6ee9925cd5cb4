package dev.mcprefresh.agent.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcprefresh.core.oauth.OAuthHttp;
import dev.mcprefresh.core.oauth.TokenEndpointClient;
import dev.mcprefresh.core.session.CredentialsRegistry;
import dev.mcprefresh.core.store.TokenStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.security.oauth2.client.web.reactive.function.client.ServerOAuth2AuthorizedClientExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.WebClient;

/** The WebClient hook on a real WebClient.Builder, held the way the MCP transport builders hold it. */
class WebClientTransportHookTest {
    @TempDir
    Path dir;

    /** Shaped like a WebClient transport builder: the hook reads its webClientBuilder field. */
    static final class TransportBuilder {
        final WebClient.Builder webClientBuilder;

        TransportBuilder(WebClient.Builder webClientBuilder) {
            this.webClientBuilder = webClientBuilder;
        }
    }

    private WebClientTransportHook hook() {
        CredentialsRegistry registry = new CredentialsRegistry(new TokenStore(dir.resolve("t.json"),
                Duration.ofSeconds(5)), new TokenEndpointClient(new OAuthHttp(Duration.ofSeconds(1)),
                Clock.systemUTC()), Duration.ofSeconds(60), Clock.systemUTC());
        return new WebClientTransportHook(() -> registry);
    }

    private static List<String> filters(WebClient.Builder b) {
        List<String> names = new ArrayList<>();
        b.filters(list -> list.forEach(f -> names.add(f.getClass().getName())));
        return names;
    }

    @Test
    void theFilterIsAddedLastAndOnlyOnceHoweverOftenTheBuilderIsBuilt() {
        ExchangeFilterFunction appFilter = (request, next) -> next.exchange(request);
        WebClient.Builder web = WebClient.builder().filter(appFilter);
        WebClientTransportHook hook = hook();
        hook.accept(new TransportBuilder(web));
        hook.accept(new TransportBuilder(web));
        List<String> names = filters(web);
        assertEquals(2, names.size(), names.toString());
        assertEquals(ExchangeFilterLoader.FILTER, names.get(1), "last: it sees every header the app's filters set");
    }

    @Test
    void aBuilderWithSpringSecuritysOAuth2FilterIsLeftAlone() {
        WebClient.Builder web = WebClient.builder().filter(new ServerOAuth2AuthorizedClientExchangeFilterFunction());
        hook().accept(new TransportBuilder(web));
        List<String> names = filters(web);
        assertEquals(1, names.size(), names.toString());
        assertTrue(names.get(0).endsWith("ServerOAuth2AuthorizedClientExchangeFilterFunction"));
    }
}
