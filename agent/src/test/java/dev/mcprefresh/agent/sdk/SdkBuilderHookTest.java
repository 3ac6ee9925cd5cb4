package dev.mcprefresh.agent.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcprefresh.core.http.AuthorizingClientBuilder;
import dev.mcprefresh.core.log.Log;
import dev.mcprefresh.core.oauth.OAuthHttp;
import dev.mcprefresh.core.oauth.TokenEndpointClient;
import dev.mcprefresh.core.session.CredentialsRegistry;
import dev.mcprefresh.core.store.TokenRecord;
import dev.mcprefresh.core.store.FileTokenStore;
import dev.mcprefresh.core.store.TokenStore;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springaicommunity.mcp.security.client.sync.oauth2.http.client.OAuth2AuthorizationCodeSyncHttpRequestCustomizer;

/** The SDK builder hook on real MCP SDK 2.1 builders. */
class SdkBuilderHookTest {
    private static final String SERVER = "http://127.0.0.1:9/mcp";

    @TempDir
    Path dir;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @AfterEach
    void restoreLog() {
        Log.setOutput(System.err);
    }

    private SdkBuilderHook hook() {
        TokenStore store = new FileTokenStore(dir.resolve("tokens.json"), Duration.ofSeconds(5));
        store.update(c -> {
            c.put(TokenRecord.builder(SERVER).tokenEndpoint("http://127.0.0.1:9/token").clientId("c")
                    .accessToken("at").refreshToken("rt").expiresAt(Instant.now().plusSeconds(600))
                    .updatedAt(Instant.now()).build());
            return null;
        });
        CredentialsRegistry registry = new CredentialsRegistry(store, new TokenEndpointClient(
                new OAuthHttp(Duration.ofSeconds(1)), Clock.systemUTC()), Duration.ofSeconds(60), Clock.systemUTC());
        Log.setOutput(new PrintStream(log, true, StandardCharsets.UTF_8));
        return new SdkBuilderHook(() -> registry);
    }

    private static Object clientBuilder(Object builder) throws Exception {
        Field f = builder.getClass().getDeclaredField("clientBuilder");
        f.setAccessible(true);
        return f.get(builder);
    }

    @Test
    void aBuilderWithAStaticHeaderCustomizerGetsTheDecoratedClient() throws Exception {
        SdkBuilderHook hook = hook();
        HttpClientStreamableHttpTransport.Builder b = HttpClientStreamableHttpTransport.builder("http://127.0.0.1:9")
                .endpoint("/mcp").httpRequestCustomizer((r, method, uri, body, ctx) -> r.header("Authorization", "x"));
        hook.accept(b);
        assertTrue(clientBuilder(b) instanceof AuthorizingClientBuilder);
    }

    @Test
    void aBuilderWhoseTokensComeFromMcpSecurityIsLeftAloneAndSaidOnce() throws Exception {
        SdkBuilderHook hook = hook();
        for (int i = 0; i < 2; i++) {
            HttpClientStreamableHttpTransport.Builder b = HttpClientStreamableHttpTransport.builder(
                    "http://127.0.0.1:9").endpoint("/mcp")
                    .httpRequestCustomizer(new OAuth2AuthorizationCodeSyncHttpRequestCustomizer());
            hook.accept(b);
            assertFalse(clientBuilder(b) instanceof AuthorizingClientBuilder, "the agent stands down");
        }
        String text = log.toString(StandardCharsets.UTF_8);
        assertEquals(1, text.lines().filter(l -> l.contains("the agent leaves that transport alone")).count(), text);
        assertTrue(text.contains("org.springaicommunity.mcp.security.client.sync.oauth2.http.client."
                + "OAuth2AuthorizationCodeSyncHttpRequestCustomizer"), text);
    }

    /** Before: a reused builder kept its first server's credentials after baseUri changed. */
    @Test
    void aReusedBuilderPointedAtAnotherServerDoesNotKeepTheFirstServersTokens() throws Exception {
        SdkBuilderHook hook = hook();
        HttpClientStreamableHttpTransport.Builder b = HttpClientStreamableHttpTransport.builder("http://127.0.0.1:9")
                .endpoint("/mcp");
        hook.accept(b);
        assertTrue(clientBuilder(b) instanceof AuthorizingClientBuilder);
        b.endpoint("/other/mcp"); // no store entry covers this one
        hook.accept(b);
        assertFalse(clientBuilder(b) instanceof AuthorizingClientBuilder, "the app's own client builder is back");
    }

    /** Before: the whole URL went into the log line, query and all. */
    @Test
    void urlsAreLoggedWithoutQueryOrUserinfo() throws Exception {
        SdkBuilderHook hook = hook();
        HttpClientStreamableHttpTransport.Builder b = HttpClientStreamableHttpTransport.builder(
                "http://127.0.0.1:9").endpoint("/mcp?api_key=SECRET-KEY");
        hook.accept(b);
        assertTrue(clientBuilder(b) instanceof AuthorizingClientBuilder);
        String text = log.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("MCP transport to http://127.0.0.1:9/mcp"), text);
        assertFalse(text.contains("SECRET-KEY") || text.contains("api_key"), text);
    }
}
