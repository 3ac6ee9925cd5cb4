package dev.mcprefresh.agent.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcprefresh.agent.testing.TestJars;
import dev.mcprefresh.agent.bridge.McpRefreshBridge;
import dev.mcprefresh.agent.library.EnabledLibraries;
import dev.mcprefresh.agent.instrument.TransportTransformer;
import dev.mcprefresh.agent.langchain4j.okhttp.AuthorizingInterceptor;
import dev.mcprefresh.core.http.AuthorizingHttpClient;
import dev.mcprefresh.core.http.DecoratedClients;
import dev.mcprefresh.core.http.RequestPolicy;
import dev.mcprefresh.core.oauth.OAuthHttp;
import dev.mcprefresh.core.oauth.TokenEndpointClient;
import dev.mcprefresh.core.session.Credentials;
import dev.mcprefresh.core.session.CredentialsRegistry;
import dev.mcprefresh.core.store.TokenRecord;
import dev.mcprefresh.core.store.FileTokenStore;
import dev.mcprefresh.core.store.TokenStore;
import java.lang.ref.WeakReference;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The end of a transport's keep-alive: the SDK's closeGracefully() reaches the bridge on every start (not only after
 * an attach), the close hook finds the decorated client a transport holds (java.net.http and OkHttp) and tells its
 * policy, closing the decorated client itself does the same, and a transport collected without a close stops
 * counting too.
 */
class TransportCloseTest {
    private static final String SDK_PACKAGE = "io.modelcontextprotocol.client.transport.";
    private static final URI MCP = URI.create("http://127.0.0.1:9/mcp");

    @TempDir
    Path dir;

    @AfterEach
    void clearHook() {
        McpRefreshBridge.hooks = null;
    }

    // ---- 1. The real SDK 2.1 transports, patched by the transformer of a normal start (and of an attach) ----

    /** Without an attach the close is the transports' only target; after one their send and connect add to it. */
    @ParameterizedTest(name = "{0}, attached={1}")
    @CsvSource({"HttpClientStreamableHttpTransport,false", "HttpClientSseClientTransport,false",
            "HttpClientStreamableHttpTransport,true", "HttpClientSseClientTransport,true"})
    void closeGracefullyOfARealSdkTransportReachesTheBridge(String simpleName, boolean attached) throws Exception {
        String transportName = SDK_PACKAGE + simpleName;
        Map<String, byte[]> classes = TestJars.packageClasses("mcp-core", SDK_PACKAGE);
        byte[] original = classes.get(transportName);
        assertNotNull(original, transportName + " is not in the mcp-core jar");
        // The loader the class will be defined by resolves the bridge to the agent's (after an attach, the client field
        // is read through it).
        byte[] patched = new TransportTransformer(null, EnabledLibraries.all(attached), null).transform(
                TransportCloseTest.class.getClassLoader(), transportName.replace('.', '/'), null, null, original);
        assertNotNull(patched, "the transformer (attached=" + attached + ") leaves " + simpleName + " alone");
        classes.put(transportName, patched);

        ClassLoader loader = new TestJars.ChildFirstClasses(classes, TransportCloseTest.class.getClassLoader());
        Class<?> type = Class.forName(transportName, true, loader);
        assertSame(loader, type.getClassLoader(), "the patched class is the child-loaded one");
        Object builder = type.getMethod("builder", String.class).invoke(null, "http://127.0.0.1:1");
        assertSame(loader, builder.getClass().getClassLoader());
        Object transport = builder.getClass().getMethod("build").invoke(builder);
        assertSame(type, transport.getClass());

        dev.mcprefresh.agent.testing.RecordingHooks hooks = new dev.mcprefresh.agent.testing.RecordingHooks();
        McpRefreshBridge.hooks = hooks;
        Object mono = type.getMethod("closeGracefully").invoke(transport); // not subscribed: the entry call runs anyway
        assertNotNull(mono);
        List<Object> seen = hooks.targets(McpRefreshBridge.TRANSPORT_CLOSING);
        assertEquals(1, seen.size(), "the close hook ran once: " + seen);
        assertSame(transport, seen.get(0));
    }

    // ---- 2. The close hook on transport-shaped objects ----

    /** Shaped like the SDK's and LangChain4j's streamable transports: a final java.net.http client field. */
    static final class JdkTransport {
        private final HttpClient httpClient;

        JdkTransport(HttpClient httpClient) {
            this.httpClient = httpClient;
        }
    }

    /** Shaped like LangChain4j's legacy HTTP+SSE transport: an OkHttp client field. */
    static final class OkHttpTransport {
        private final OkHttpClient client;

        OkHttpTransport(OkHttpClient client) {
            this.client = client;
        }
    }

    private CredentialsRegistry registry() {
        TokenStore store = new FileTokenStore(dir.resolve("tokens.json"), Duration.ofSeconds(5));
        Instant now = Instant.now();
        store.update(c -> {
            c.put(TokenRecord.builder(MCP.toString()).tokenEndpoint("http://127.0.0.1:9/token").clientId("c")
                    .accessToken("at").expiresAt(now.plusSeconds(3600)).refreshToken("rt")
                    .refreshExpiresAt(now.plus(Duration.ofDays(1))).updatedAt(now).build());
            return null;
        });
        return new CredentialsRegistry(store, new TokenEndpointClient(new OAuthHttp(Duration.ofSeconds(1)),
                Clock.systemUTC()), Duration.ofSeconds(60), Clock.systemUTC(), false, true);
    }

    private static RequestPolicy policy(CredentialsRegistry registry) {
        RequestPolicy policy = RequestPolicy.forTransport(registry, MCP);
        assertNotNull(policy, "the store entry covers " + MCP);
        return policy;
    }

    /** The transport's first request binds it: from then on its grant is kept alive for it. */
    private static Credentials bind(CredentialsRegistry registry, RequestPolicy policy) {
        Credentials credentials = policy.credentialsFor(MCP, null);
        assertNotNull(credentials, "the transport is bound to the store entry");
        assertEquals(1, registry.status(credentials).liveTransports(), "the bound transport counts as live");
        return credentials;
    }

    @Test
    void closingAJdkClientTransportEndsItsKeepAlive() {
        CredentialsRegistry registry = registry();
        RequestPolicy policy = policy(registry);
        HttpClient client = AuthorizingHttpClient.wrap(HttpClient.newHttpClient(), policy);
        assertSame(policy, DecoratedClients.policyOf(client));
        JdkTransport transport = new JdkTransport(client);
        Credentials credentials = bind(registry, policy);

        new TransportCloseHook().accept(transport);
        assertEquals(0, registry.status(credentials).liveTransports());
    }

    @Test
    void closingAnOkHttpTransportEndsItsKeepAlive() {
        CredentialsRegistry registry = registry();
        RequestPolicy policy = policy(registry);
        OkHttpClient client = (OkHttpClient) AuthorizingInterceptor.decorate(new OkHttpClient(), policy);
        assertSame(policy, DecoratedClients.policyOf(client), "decorate() remembers the client's policy");
        OkHttpTransport transport = new OkHttpTransport(client);
        Credentials credentials = bind(registry, policy);

        new TransportCloseHook().accept(transport);
        assertEquals(0, registry.status(credentials).liveTransports());
    }

    @Test
    void aTransportWhoseClientsAreNotOursIsLeftAloneWithoutAnError() {
        CredentialsRegistry registry = registry();
        RequestPolicy policy = policy(registry);
        Credentials credentials = bind(registry, policy);
        OkHttpClient plainOkHttp = new OkHttpClient();
        assertNull(DecoratedClients.policyOf(plainOkHttp));

        TransportCloseHook hook = new TransportCloseHook();
        hook.accept(new JdkTransport(HttpClient.newHttpClient()));
        hook.accept(new JdkTransport(null));
        hook.accept(new OkHttpTransport(plainOkHttp));
        hook.accept(new OkHttpTransport(null));
        hook.accept(new Object());
        hook.accept("a string");
        assertEquals(1, registry.status(credentials).liveTransports(), "another transport's grant stays alive");
    }

    /** Two transports on one entry: closing one leaves the other's keep-alive running. */
    @Test
    void closingOneOfTwoTransportsKeepsTheOtherAlive() {
        CredentialsRegistry registry = registry();
        RequestPolicy first = policy(registry);
        RequestPolicy second = policy(registry);
        JdkTransport a = new JdkTransport(AuthorizingHttpClient.wrap(HttpClient.newHttpClient(), first));
        JdkTransport b = new JdkTransport(AuthorizingHttpClient.wrap(HttpClient.newHttpClient(), second));
        Credentials credentials = bind(registry, first);
        assertSame(credentials, second.credentialsFor(MCP, null), "one Credentials per store entry");
        assertEquals(2, registry.status(credentials).liveTransports());

        new TransportCloseHook().accept(a);
        assertEquals(1, registry.status(credentials).liveTransports());
        new TransportCloseHook().accept(b);
        assertEquals(0, registry.status(credentials).liveTransports());
    }

    // ---- 3. Closing the decorated client itself ----

    @Test
    void closingTheDecoratedClientEndsItsKeepAlive() {
        CredentialsRegistry registry = registry();
        RequestPolicy policy = policy(registry);
        HttpClient client = AuthorizingHttpClient.wrap(HttpClient.newHttpClient(), policy);
        Credentials credentials = bind(registry, policy);

        ((AuthorizingHttpClient) client).close(); // JDK 17's client has no close(): the decorator's own runs only
        assertEquals(0, registry.status(credentials).liveTransports());
    }

    @Test
    void shuttingDownTheDecoratedClientEndsItsKeepAlive() {
        CredentialsRegistry registry = registry();
        RequestPolicy policy = policy(registry);
        AuthorizingHttpClient client = (AuthorizingHttpClient) AuthorizingHttpClient.wrap(HttpClient.newHttpClient(),
                policy);
        Credentials credentials = bind(registry, policy);

        client.shutdown();
        assertEquals(0, registry.status(credentials).liveTransports());
    }

    // ---- 4. A transport the app drops without a close ----

    @Test
    void aTransportCollectedWithoutACloseStopsCounting() throws Exception {
        CredentialsRegistry registry = registry();
        List<Object> bound = new ArrayList<>(2); // [credentials, weak reference to the policy]
        bindAndDrop(registry, bound);
        Credentials credentials = (Credentials) bound.get(0);
        @SuppressWarnings("unchecked")
        WeakReference<RequestPolicy> policy = (WeakReference<RequestPolicy>) bound.get(1);
        bound.clear();

        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (policy.get() != null && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
        assertNull(policy.get(), "nothing of the test holds the dropped transport's policy");
        int live = registry.status(credentials).liveTransports();
        while (live != 0 && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
            live = registry.status(credentials).liveTransports();
        }
        assertEquals(0, live, "the keep-alive must not hold a dropped transport");
    }

    /** In its own frame, so no local of the test method keeps the transport, its client or its policy reachable. */
    private static void bindAndDrop(CredentialsRegistry registry, List<Object> out) {
        RequestPolicy policy = policy(registry);
        JdkTransport transport = new JdkTransport(AuthorizingHttpClient.wrap(HttpClient.newHttpClient(), policy));
        out.add(bind(registry, policy));
        out.add(new WeakReference<>(policy));
        assertFalse(transport.httpClient == null);
    }
}
