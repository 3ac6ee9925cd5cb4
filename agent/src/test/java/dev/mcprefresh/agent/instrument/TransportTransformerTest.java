package dev.mcprefresh.agent.instrument;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcprefresh.agent.library.EnabledLibraries;
import org.junit.jupiter.api.Test;

/** Which classes the transformer takes, from the libraries' tables. */
class TransportTransformerTest {
    @Test
    void theSdkBuildersAndTransportsAreTargetsWithAndWithoutAnAttach() {
        String pkg = "io/modelcontextprotocol/client/transport/";
        for (boolean attached : new boolean[] {false, true}) {
            TransportTransformer t = new TransportTransformer(null, EnabledLibraries.all(attached), null);
            String when = attached ? "after a late attach" : "on a start without attach";
            assertTrue(t.isTarget(pkg + "HttpClientStreamableHttpTransport$Builder"), when);
            assertTrue(t.isTarget(pkg + "HttpClientSseClientTransport$Builder"), when);
            assertTrue(t.isTarget(pkg + "HttpClientStreamableHttpTransport"), when + ": for its closeGracefully()");
            assertTrue(t.isTarget(pkg + "HttpClientSseClientTransport"), when + ": for its closeGracefully()");
            assertTrue(t.isTarget(pkg + "WebFluxSseClientTransport$Builder"), when + ": Spring WebClient");
            assertTrue(t.isTarget("dev/langchain4j/mcp/client/transport/http/StreamableHttpMcpTransport"), when);
            assertFalse(t.isTarget(pkg + "StdioClientTransport"), when);
            assertFalse(t.isTarget(pkg + "HttpClientStreamableHttpTransport$Builder$1"), when);
            assertFalse(t.isTarget("io/modelcontextprotocol/client/McpAsyncClient"), when);
            assertFalse(t.isTarget(null), when);
        }
    }

    /** The store read starts at the library's first class, long before its first transport is built. */
    @Test
    void theWarmUpStartsAtTheFirstClassOfALibraryThatIsNoTarget() throws Exception {
        java.util.concurrent.CountDownLatch ran = new java.util.concurrent.CountDownLatch(1);
        TransportTransformer t = new TransportTransformer(null, EnabledLibraries.all(false), ran::countDown);
        assertTrue(t.transform(null, "io/modelcontextprotocol/spec/McpSchema", null, null, new byte[0]) == null);
        assertTrue(ran.await(5, java.util.concurrent.TimeUnit.SECONDS), "the warm-up ran");
    }

    /**
     * A loader that cannot see the bridge gets no field reads, but keeps the entry calls (its transports' close still
     * ends their keep-alive).
     */
    @Test
    void aClassWhoseLoaderCannotSeeTheBridgeKeepsItsEntryCalls() throws Exception {
        String name = "io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport";
        byte[] original = dev.mcprefresh.agent.testing.TestJars.packageClasses("mcp-core",
                "io.modelcontextprotocol.client.transport").get(name);
        ClassLoader blind = new java.net.URLClassLoader(new java.net.URL[0], null);
        byte[] patched = new TransportTransformer(null, EnabledLibraries.all(true), null).transform(blind,
                name.replace('.', '/'), null, null, original);
        assertTrue(patched != null, "the close's entry call stays");
        String text = new String(patched, java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(text.contains("transportClosing"), "entry call");
        assertFalse(text.contains("httpClientOf"), "no field read through a bridge the loader cannot see");
    }

    /**
     * A retransformation (another tool's) gets the class's original bytes: a field the agent made non-final at load is
     * made so again, and one that loaded final (before the agent) stays final, or the JVM refuses the retransform.
     */
    @Test
    void aRetransformationKeepsEachFieldsFlagsAsLoaded() throws Exception {
        class Loaded {
            final String stillFinal = "x";
            String notFinal = "y";
        }
        assertTrue(WritableFields.mayClear(null, "anything"), "a first load");
        assertFalse(WritableFields.mayClear(Loaded.class, "stillFinal"), "loaded before the agent");
        assertTrue(WritableFields.mayClear(Loaded.class, "notFinal"), "loaded with the agent");
        assertFalse(WritableFields.mayClear(Loaded.class, "missing"));
    }
}
