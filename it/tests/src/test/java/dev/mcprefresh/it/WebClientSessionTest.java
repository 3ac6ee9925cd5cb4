package dev.mcprefresh.it;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Spring WebClient MCP transports with a static bearer header (a WebClient default header, or the app's own filter):
 * the SDK's mcp-spring-webflux at 0.10 (what Spring AI 1.0 builds) and 0.18 (Spring AI 1.1), and Spring AI 2.0's own
 * copy, each against a real MCP SDK server and the real authorization server.
 */
class WebClientSessionTest extends WithItServers {
    static Stream<Arguments> webClientApps() {
        return Stream.of(
                Arguments.of("webflux-0.10", "0.10", "sse", "webflux-sse-defaultHeader"),
                Arguments.of("webflux-0.10", "0.10", "sse", "webflux-sse-filter"),
                Arguments.of("webflux-0.18", "2.1", "streamable", "webclient-streamable-defaultHeader"),
                Arguments.of("webflux-0.18", "2.1", "sse", "webflux-sse-defaultHeader"),
                Arguments.of("spring-ai-webflux-2.0", "2.1", "streamable", "webclient-streamable-defaultHeader"),
                Arguments.of("spring-ai-webflux-2.0", "2.1", "sse", "webflux-sse-defaultHeader"));
    }

    @ParameterizedTest(name = "{0}, {3}")
    @MethodSource("webClientApps")
    void expiredStaticTokenFailsWithoutAgentAndIsRefreshedWithIt(String app, String serverSdk, String transport,
            String mode) throws Exception {
        McpServerProcess server = servers.mcp(serverSdk, transport);
        KeepAliveScenario.run(servers.as, server, app, mode, servers.work,
                "Spring WebClient MCP transport to " + server.baseUrl);
    }
}
