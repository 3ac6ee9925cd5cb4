package dev.mcprefresh.agent.library;

/**
 * Every client library the agent supports: the one table premain, the class-path check, the transformer and the hook
 * dispatch read. Adding a library is one line here plus its own package (README, "Adding a client library").
 */
public final class Libraries {
    private static final String SDK = "io/modelcontextprotocol/client/transport/";

    static final LibraryDescriptor[] ALL = {
        // The SDK's whole namespace: its first class (a schema type, long before a transport is built) starts the
        // store read on a thread of its own.
        new LibraryDescriptor("mcp-sdk", "dev.mcprefresh.agent.sdk.SdkLibrary",
                new String[] {SDK + "HttpClientSseClientTransport.class"}, "io/modelcontextprotocol/"),
        new LibraryDescriptor("langchain4j", "dev.mcprefresh.agent.langchain4j.LangChain4jLibrary",
                new String[] {"dev/langchain4j/mcp/client/transport/McpTransport.class"},
                "dev/langchain4j/mcp/client/transport/"),
        new LibraryDescriptor("spring-webclient", "dev.mcprefresh.agent.spring.SpringWebClientLibrary",
                new String[] {SDK + "WebFluxSseClientTransport.class",
                    "org/springframework/ai/mcp/client/webflux/transport/WebFluxSseClientTransport.class"},
                SDK, "org/springframework/ai/mcp/client/webflux/transport/"),
        new LibraryDescriptor("kotlin-sdk", "dev.mcprefresh.agent.kotlinsdk.KotlinSdkLibrary",
                new String[] {"io/modelcontextprotocol/kotlin/sdk/client/StreamableHttpClientTransport.class",
                    "io/modelcontextprotocol/kotlin/sdk/client/SseClientTransport.class"},
                "io/modelcontextprotocol/kotlin/sdk/client/"),
    };

    private Libraries() {
    }

    /** A copy of the table. */
    public static LibraryDescriptor[] all() {
        return ALL.clone();
    }
}
