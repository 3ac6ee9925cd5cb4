package dev.mcprefresh.agent.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcprefresh.core.oauth.OAuthHttp;
import dev.mcprefresh.core.oauth.TokenEndpointClient;
import dev.mcprefresh.core.session.CredentialsRegistry;
import dev.mcprefresh.core.store.TokenRecord;
import dev.mcprefresh.core.store.FileTokenStore;
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

    /** Shaped like the Streamable HTTP transport builder: a non-final webClientBuilder and an endpoint. */
    static final class StreamableBuilder {
        WebClient.Builder webClientBuilder;
        String endpoint = "/mcp";

        StreamableBuilder(WebClient.Builder webClientBuilder) {
            this.webClientBuilder = webClientBuilder;
        }
    }

    /** Shaped like the SSE transport builder: its webClientBuilder is final. */
    static final class SseBuilder {
        final WebClient.Builder webClientBuilder;
        String sseEndpoint = "/mcp/sse";

        SseBuilder(WebClient.Builder webClientBuilder) {
            this.webClientBuilder = webClientBuilder;
        }
    }

    private WebClientTransportHook hook(boolean stored) {
        TokenStore store = new FileTokenStore(dir.resolve("t.json"), Duration.ofSeconds(5));
        if (stored) {
            store.update(c -> {
                c.put(TokenRecord.builder("https://mcp.example/mcp").tokenEndpoint("https://as.example/token")
                        .clientId("c").accessToken("at").refreshToken("rt").build());
                return null;
            });
        }
        CredentialsRegistry registry = new CredentialsRegistry(store, new TokenEndpointClient(
                new OAuthHttp(Duration.ofSeconds(1)), Clock.systemUTC()), Duration.ofSeconds(60), Clock.systemUTC());
        return new WebClientTransportHook(() -> registry);
    }

    private static List<String> filters(WebClient.Builder b) {
        List<String> names = new ArrayList<>();
        b.filters(list -> list.forEach(f -> names.add(f.getClass().getName())));
        return names;
    }

    /** Before: the filter went into the app's own builder, entry or not, so every client built from it carried it. */
    @Test
    void withoutAStoreEntryTheAppsBuilderIsNotTouched() {
        WebClient.Builder web = WebClient.builder().baseUrl("https://mcp.example");
        StreamableBuilder transport = new StreamableBuilder(web);
        hook(false).accept(transport);
        assertEquals(List.of(), filters(web));
        assertSame(web, transport.webClientBuilder);
    }

    @Test
    void theTransportGetsACopyOfTheAppsBuilderWithTheFilterLastAndOnlyOnce() {
        ExchangeFilterFunction appFilter = (request, next) -> next.exchange(request);
        WebClient.Builder web = WebClient.builder().baseUrl("https://mcp.example").filter(appFilter);
        StreamableBuilder transport = new StreamableBuilder(web);
        WebClientTransportHook hook = hook(true);
        hook.accept(transport);
        hook.accept(transport);
        assertEquals(1, filters(web).size(), "the app's own builder keeps only its own filter");
        assertNotSame(web, transport.webClientBuilder);
        List<String> names = filters(transport.webClientBuilder);
        assertEquals(2, names.size(), names.toString());
        assertEquals(ExchangeFilterLoader.FILTER, names.get(1), "last: it sees every header the app's filters set");
    }

    @Test
    void aTransportOnAnotherPathOfTheOriginIsNotCovered() {
        WebClient.Builder web = WebClient.builder().baseUrl("https://mcp.example/other/");
        StreamableBuilder transport = new StreamableBuilder(web);
        transport.endpoint = "mcp";
        hook(true).accept(transport);
        assertSame(web, transport.webClientBuilder);
        assertEquals(List.of(), filters(web));
    }

    /**
     * An SSE builder whose class loaded before the agent (a late attach) keeps its final field: never written (JEP 500),
     * so that transport is left as the app built it, and the app's shared builder stays clean.
     */
    @Test
    void anSseBuilderWhoseFieldIsStillFinalIsLeftAsTheAppBuiltIt() {
        WebClient.Builder web = WebClient.builder().baseUrl("https://mcp.example");
        SseBuilder transport = new SseBuilder(web);
        WebClientTransportHook hook = hook(true);
        hook.accept(transport);
        assertSame(web, transport.webClientBuilder);
        assertEquals(List.of(), filters(web), "the app's builder, shared by other clients, is untouched");
    }

    /**
     * The SSE builder as the agent loads it (its field made non-final at the class's first load): the transport gets
     * a copy with the filter, and the app's builder, shared by other clients, stays clean.
     */
    @Test
    void anSseBuilderLoadedByTheAgentGetsACopyAndTheAppsBuilderStaysClean() throws Exception {
        String name = SseBuilder.class.getName();
        byte[] bytes;
        try (java.io.InputStream in = SseBuilder.class.getResourceAsStream("WebClientTransportHookTest$SseBuilder.class")) {
            bytes = in.readAllBytes();
        }
        byte[] writable = dev.mcprefresh.agent.patcher.ClassPatcher.patch(name.replace('.', '/'), bytes,
                dev.mcprefresh.agent.patcher.ClassPatch.NONE.withWritableField("webClientBuilder",
                        "Lorg/springframework/web/reactive/function/client/WebClient$Builder;"));
        Class<?> loaded = Class.forName(name, true, new dev.mcprefresh.agent.testing.TestJars.ChildFirstClasses(
                java.util.Map.of(name, writable), getClass().getClassLoader()));
        java.lang.reflect.Constructor<?> make = loaded.getDeclaredConstructor(WebClient.Builder.class);
        make.setAccessible(true);
        WebClient.Builder web = WebClient.builder().baseUrl("https://mcp.example");
        Object transport = make.newInstance(web);
        java.lang.reflect.Field field = loaded.getDeclaredField("webClientBuilder");
        field.setAccessible(true);
        assertTrue(!java.lang.reflect.Modifier.isFinal(field.getModifiers()), "loaded non-final");
        WebClientTransportHook hook = hook(true);
        hook.accept(transport);
        hook.accept(transport);
        assertEquals(List.of(), filters(web), "the app's builder, shared by other clients, is untouched");
        assertEquals(List.of(ExchangeFilterLoader.FILTER), filters((WebClient.Builder) field.get(transport)));
    }

    @Test
    void aTransportBuilderPointedAtAnotherServerLosesTheFirstServersFilter() {
        WebClient.Builder web = WebClient.builder().baseUrl("https://mcp.example");
        StreamableBuilder transport = new StreamableBuilder(web);
        WebClientTransportHook hook = hook(true);
        hook.accept(transport);
        assertEquals(List.of(ExchangeFilterLoader.FILTER), filters(transport.webClientBuilder));
        transport.endpoint = "/jira/mcp"; // no store entry covers it
        hook.accept(transport);
        assertEquals(List.of(), filters(transport.webClientBuilder), "github's tokens do not follow to jira");
    }

    @Test
    void aBuilderWithSpringSecuritysOAuth2FilterIsLeftAlone() {
        WebClient.Builder web = WebClient.builder().baseUrl("https://mcp.example")
                .filter(new ServerOAuth2AuthorizedClientExchangeFilterFunction());
        StreamableBuilder transport = new StreamableBuilder(web);
        hook(true).accept(transport);
        List<String> names = filters(transport.webClientBuilder);
        assertEquals(1, names.size(), names.toString());
        assertTrue(names.get(0).endsWith("ServerOAuth2AuthorizedClientExchangeFilterFunction"));
    }
}
