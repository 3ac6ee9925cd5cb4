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
}
