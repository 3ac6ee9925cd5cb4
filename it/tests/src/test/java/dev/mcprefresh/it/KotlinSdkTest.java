package dev.mcprefresh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Kotlin apps on the Kotlin MCP SDK (it/kotlin-sdk-0.7: the first release of kotlin-sdk-client-jvm, with Ktor 3.2.3;
 * it/kotlin-sdk-0.14 and it/kotlin-sdk-0.16, the newest, with Ktor 3.5.2), compiled with the Kotlin Maven plugin,
 * against a real MCP SDK server that checks every token with the real authorization server. Each sets a static bearer
 * header one way (the transport's requestBuilder, the Ktor client's defaultRequest, Ktor's Auth plugin with a static
 * bearer) on the CIO or the Java engine, over Streamable HTTP or SSE: without the agent the expired token fails; with
 * it every call succeeds, the store's grant is refreshed, one Authorization header per request. Beside an Auth plugin
 * that refreshes by itself, the agent stands down. Release 0.7 runs over SSE only: its Streamable HTTP client (0.7.0
 * to 0.7.3) never completes initialize against the SDK 0.11 or 2.1 server, with or without the agent.
 */
class KotlinSdkTest extends WithItServers {
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "kotlin-sdk-0.7, sse-cio-builder, sse",
        "kotlin-sdk-0.7, sse-java-default, sse",
        "kotlin-sdk-0.14, streamable-java-builder, streamable",
        "kotlin-sdk-0.14, sse-cio-builder, sse",
        "kotlin-sdk-0.14, streamable-cio-default, streamable",
        "kotlin-sdk-0.14, streamable-java-authstatic, streamable",
        "kotlin-sdk-0.16, streamable-cio-builder, streamable",
        "kotlin-sdk-0.16, sse-java-authstatic, sse",
    })
    void staticHeaderFailsWithoutAgentAndSurvivesExpiryWithItOneHeaderPerRequest(String app, String mode,
            String transport) throws Exception {
        McpServerProcess server = servers.mcp("2.1", transport);
        long severalBefore = server.gateStat("severalAuthorizations");
        long acceptedBefore = server.gateStat("accepted");
        KeepAliveScenario.run(servers.as, server, app, mode, servers.work,
                "Kotlin MCP transport to " + server.baseUrl);
        assertTrue(server.gateStat("accepted") - acceptedBefore >= KeepAliveScenario.CALLS,
                "the gate saw the calls it counts");
        assertEquals(severalBefore, server.gateStat("severalAuthorizations"),
                "the app's header and the agent's must never both reach the server");
    }

    /** An app whose Ktor Auth plugin refreshes by itself keeps its own tokens: the agent sends none and refreshes none. */
    @Test
    void besideKtorAuthWithRefreshTokensTheAgentStandsDown() throws Exception {
        McpServerProcess server = servers.mcp("2.1", "streamable");
        Secrets secrets = new Secrets();
        Path dir = Files.createDirectories(servers.work.resolve("kotlin-auth-refresh"));
        AuthorizationServer.Tokens seeded = servers.as.login("app");
        secrets.add(seeded);
        Path store = dir.resolve("store/tokens.json");
        KeepAliveScenario.seed(dir, server.mcpUrl, "app", seeded.refreshToken(), store);
        long refreshesBefore = servers.as.tokenGrants("refresh_token");
        try (ClientRun with = ClientRun.start("kotlin-sdk-0.16", "streamable-cio-authrefresh", server.baseUrl,
                seeded.accessToken(), store, KeepAliveScenario.CALLS, KeepAliveScenario.INTERVAL_MILLIS, dir)
                .finish()) {
            secrets.addFromStore(store);
            assertTrue(with.output().contains("already refreshes its tokens (Ktor's Auth plugin, bearer with"
                    + " refreshTokens): the agent leaves that Kotlin MCP transport alone"), with.output());
            assertTrue(with.failed > 0, "the app's own refresh (which has no new token) stays in charge:\n"
                    + with.output());
            assertEquals(refreshesBefore, servers.as.tokenGrants("refresh_token"), "the agent refreshed nothing");
            secrets.assertNotIn(with.process.name(), with.output());
        }
    }
}
