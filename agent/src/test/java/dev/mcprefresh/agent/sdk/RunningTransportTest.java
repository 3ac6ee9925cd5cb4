package dev.mcprefresh.agent.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.mcprefresh.agent.bridge.McpRefreshBridge;
import dev.mcprefresh.agent.instrument.TransportTransformer;
import dev.mcprefresh.agent.library.EnabledLibraries;
import dev.mcprefresh.agent.library.HookDispatch;
import dev.mcprefresh.agent.testing.RecordingHooks;
import dev.mcprefresh.agent.testing.RecordingHttpClient;
import dev.mcprefresh.agent.testing.TestJars;
import dev.mcprefresh.core.http.AuthorizingHttpClient;
import dev.mcprefresh.core.oauth.OAuthHttp;
import dev.mcprefresh.core.oauth.TokenEndpointClient;
import dev.mcprefresh.core.session.CredentialsRegistry;
import dev.mcprefresh.core.store.FileTokenStore;
import dev.mcprefresh.core.store.TokenRecord;
import dev.mcprefresh.core.store.TokenStore;
import io.modelcontextprotocol.spec.McpSchema;
import java.lang.reflect.Field;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After a late attach, a real SDK 2.1 transport built before the agent came: the transformer of an attach sends its
 * reads of {@code httpClient} through the bridge, the transport then sends with the client the bridge answers (the
 * decorated one when the store has its server), and its final field still holds what the SDK put there.
 */
class RunningTransportTest {
    private static final String TRANSPORT = "io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport";

    @TempDir
    Path dir;

    @AfterEach
    void clearHooks() {
        McpRefreshBridge.hooks = null;
    }

    /** The transport class as an attach patches it, loaded by a loader that resolves the bridge to the agent's. */
    private static Class<?> patchedAsAfterAnAttach() throws Exception {
        Map<String, byte[]> classes = TestJars.packageClasses("mcp-core", "io.modelcontextprotocol.client.transport");
        byte[] patched = new TransportTransformer(null, EnabledLibraries.all(true), null).transform(
                RunningTransportTest.class.getClassLoader(), TRANSPORT.replace('.', '/'), null, null,
                classes.get(TRANSPORT));
        assertNotNull(patched, "an attach patches the transport");
        classes.put(TRANSPORT, patched);
        return Class.forName(TRANSPORT, true,
                new TestJars.ChildFirstClasses(classes, RunningTransportTest.class.getClassLoader()));
    }

    private static Object build(Class<?> type, String baseUri) throws Exception {
        Object builder = type.getMethod("builder", String.class).invoke(null, baseUri);
        builder.getClass().getMethod("endpoint", String.class).invoke(builder, "/mcp");
        return builder.getClass().getMethod("build").invoke(builder);
    }

    private static Object ownClient(Object transport) throws Exception {
        Field f = transport.getClass().getDeclaredField("httpClient");
        f.setAccessible(true);
        return f.get(transport);
    }

    @Test
    void itsSendsGoThroughTheClientTheBridgeAnswers() throws Exception {
        Object transport = build(patchedAsAfterAnAttach(), "http://127.0.0.1:9");
        RecordingHttpClient answered = new RecordingHttpClient();
        McpRefreshBridge.hooks = new RecordingHooks(owner -> answered);
        Object mono = transport.getClass().getMethod("sendMessage", McpSchema.JSONRPCMessage.class)
                .invoke(transport, new McpSchema.JSONRPCNotification("2.0", "notifications/initialized", null));
        try {
            ((reactor.core.publisher.Mono<?>) mono).block(Duration.ofSeconds(5));
        } catch (RuntimeException expected) {
            // the recording client fails every send
        }
        assertEquals(1, answered.sent.size(), "the transport sent with the bridge's client");
        assertEquals("http://127.0.0.1:9/mcp", answered.sent.get(0).uri().toString());
    }

    @Test
    void theBridgeAnswersWithTheDecoratedClientForAStoredServerOnlyAndTheFieldKeepsTheSdksOwn() throws Exception {
        TokenStore store = new FileTokenStore(dir.resolve("tokens.json"), Duration.ofSeconds(5));
        Instant now = Instant.now();
        store.update(c -> {
            c.put(TokenRecord.builder("http://127.0.0.1:9/mcp").tokenEndpoint("http://127.0.0.1:9/token")
                    .clientId("c").accessToken("at").expiresAt(now.plusSeconds(3600)).refreshToken("rt")
                    .updatedAt(now).build());
            return null;
        });
        CredentialsRegistry registry = new CredentialsRegistry(store, new TokenEndpointClient(
                new OAuthHttp(Duration.ofSeconds(1)), Clock.systemUTC()), Duration.ofSeconds(60), Clock.systemUTC(),
                false, false);
        McpRefreshBridge.hooks = new HookDispatch(EnabledLibraries.all(true), () -> registry);
        Class<?> type = patchedAsAfterAnAttach();
        Object stored = build(type, "http://127.0.0.1:9");
        Object own = ownClient(stored);
        HttpClient answer = McpRefreshBridge.httpClientOf(stored);
        assertInstanceOf(AuthorizingHttpClient.class, answer);
        assertEquals("http://127.0.0.1:9/mcp", ((AuthorizingHttpClient) answer).policy().transportUrl().toString());
        assertSame(answer, McpRefreshBridge.httpClientOf(stored), "decided once per transport");
        assertSame(own, ownClient(stored), "the final field is never written");

        Object other = build(type, "http://127.0.0.1:10");
        assertSame(ownClient(other), McpRefreshBridge.httpClientOf(other), "no store entry: its own client");
    }
}
