package dev.mcprefresh.agent.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcprefresh.agent.lifecycle.TransportCloseHook;
import dev.mcprefresh.core.http.AuthorizingHttpClient;
import dev.mcprefresh.core.oauth.OAuthHttp;
import dev.mcprefresh.core.oauth.TokenEndpointClient;
import dev.mcprefresh.core.session.Credentials;
import dev.mcprefresh.core.session.CredentialsRegistry;
import dev.mcprefresh.core.store.TokenRecord;
import dev.mcprefresh.core.store.FileTokenStore;
import dev.mcprefresh.core.store.TokenStore;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import java.lang.reflect.Field;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two live transports built from one reused SDK builder: closing one must leave the other's keep-alive running. */
class ReusedBuilderCloseTest {
    private static final URI MCP = URI.create("http://127.0.0.1:9/mcp");

    @TempDir
    Path dir;

    @Test
    void closingOneTransportOfAReusedBuilderKeepsTheOtherAlive() throws Exception {
        TokenStore store = new FileTokenStore(dir.resolve("tokens.json"), Duration.ofSeconds(5));
        Instant now = Instant.now();
        store.update(c -> {
            c.put(TokenRecord.builder(MCP.toString()).tokenEndpoint("http://127.0.0.1:9/token").clientId("c")
                    .accessToken("at").expiresAt(now.plusSeconds(3600)).refreshToken("rt")
                    .refreshExpiresAt(now.plus(Duration.ofDays(1))).updatedAt(now).build());
            return null;
        });
        CredentialsRegistry registry = new CredentialsRegistry(store, new TokenEndpointClient(
                new OAuthHttp(Duration.ofSeconds(1)), Clock.systemUTC()), Duration.ofSeconds(60), Clock.systemUTC(),
                false, true);
        SdkBuilderHook hook = new SdkBuilderHook(() -> registry);
        HttpClientStreamableHttpTransport.Builder b = HttpClientStreamableHttpTransport.builder("http://127.0.0.1:9")
                .endpoint("/mcp");
        hook.accept(b); // what the instrumented build() does at its entry
        HttpClientStreamableHttpTransport first = b.build();
        hook.accept(b);
        HttpClientStreamableHttpTransport second = b.build();
        Credentials c = client(first).policy().credentialsFor(MCP, null);
        assertNotNull(c);
        client(second).policy().credentialsFor(MCP, null);
        assertEquals(2, registry.status(c).liveTransports(), "two live transports use the entry");

        new TransportCloseHook().accept(first);
        assertEquals(1, registry.status(c).liveTransports(), "the second transport is still live");
        assertTrue(second != null);
    }

    private static AuthorizingHttpClient client(Object transport) throws Exception {
        Field f = transport.getClass().getDeclaredField("httpClient");
        f.setAccessible(true);
        return (AuthorizingHttpClient) f.get(transport);
    }
}
