package dev.mcprefresh.agent.spring;

import java.util.HashMap;
import java.util.Map;

/**
 * Where the Spring WebClient MCP transports get the bridge call: their builders' {@code build()}, in the SDK's
 * {@code mcp-spring-webflux} (0.10 to 0.18, also what Spring AI 1.x builds) and in Spring AI 2.x's own copy.
 */
public final class SpringWebClientTargets {
    public static final String SDK_PACKAGE = "io/modelcontextprotocol/client/transport/";
    public static final String SPRING_AI_PACKAGE = "org/springframework/ai/mcp/client/webflux/transport/";

    public static final Map<String, Map<String, String>> BUILDERS = builders();

    private SpringWebClientTargets() {
    }

    private static Map<String, Map<String, String>> builders() {
        Map<String, Map<String, String>> m = new HashMap<>();
        for (String pkg : new String[] {SDK_PACKAGE, SPRING_AI_PACKAGE}) {
            for (String transport : new String[] {"WebClientStreamableHttpTransport", "WebFluxSseClientTransport"}) {
                m.put(pkg + transport + "$Builder", Map.of("build()L" + pkg + transport + ";", "beforeWebClientBuild"));
            }
        }
        return Map.copyOf(m);
    }
}
