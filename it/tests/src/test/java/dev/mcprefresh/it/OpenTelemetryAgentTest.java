package dev.mcprefresh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Beside the OpenTelemetry Java agent (2.33.1), attached before ours and after it: the keep-alive scenario of the MCP
 * SDK and LangChain4j apps still passes (every call succeeds over three token lifetimes), every MCP request carries
 * exactly one Authorization header, and every one carries the W3C {@code traceparent} OpenTelemetry puts on it, so the
 * server can join the client's trace. The gate counts requests with and without the header.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenTelemetryAgentTest {
    private ItServers servers;
    private AuthorizationServer as;
    private McpServerProcess server;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        servers = ItServers.start(dir);
        as = servers.as;
        server = servers.mcp("2.1", "streamable");
    }

    @AfterAll
    void stop() {
        if (servers != null) {
            servers.close();
        }
    }

    /** The OpenTelemetry agent as production JVMs run it, exporting nowhere (propagation does not need an exporter). */
    private static List<String> openTelemetryAgent() {
        Path jar = ItEnv.ROOT.resolve("it/tests/target/other-agents/opentelemetry-javaagent.jar");
        assertTrue(Files.isRegularFile(jar), "the build copies the OpenTelemetry agent to " + jar);
        return List.of("-javaagent:" + jar, "-Dotel.traces.exporter=none", "-Dotel.metrics.exporter=none",
                "-Dotel.logs.exporter=none", "-Dotel.service.name=mcp-client-app");
    }

    static Stream<Arguments> appsAndOrders() {
        return Stream.of(Arguments.of("2.1", "streamable-requestBuilder", "first"),
                Arguments.of("2.1", "streamable-requestBuilder", "second"),
                Arguments.of("langchain4j-1.18", "map", "first"),
                Arguments.of("langchain4j-1.18", "map", "second"));
    }

    /** {@code otel}: whether OpenTelemetry's agent is attached "first" (before ours) or "second". */
    @ParameterizedTest(name = "{0}, {1}, OpenTelemetry {2}")
    @MethodSource("appsAndOrders")
    void everyRequestKeepsItsTraceContextAndCarriesOneAuthorizationHeader(String app, String mode, String otel)
            throws Exception {
        Secrets secrets = new Secrets();
        Path dir = Files.createDirectories(servers.work.resolve(app + "-" + mode + "-otel-" + otel));
        AuthorizationServer.Tokens seeded = as.login("app");
        secrets.add(seeded);
        Path store = dir.resolve("store/tokens.json");
        KeepAliveScenario.seed(dir, server.mcpUrl, "app", seeded.refreshToken(), store);
        Counts before = Counts.of(server);
        long refreshesBefore = as.tokenGrants("refresh_token");
        List<String> openTelemetry = openTelemetryAgent();
        boolean first = otel.equals("first");
        try (ClientRun run = ClientRun.startBeside(app, mode, server.baseUrl, seeded.accessToken(), store,
                KeepAliveScenario.CALLS, KeepAliveScenario.INTERVAL_MILLIS, dir, first ? openTelemetry : List.of(),
                first ? List.of() : openTelemetry).finish()) {
            secrets.addFromStore(store);
            assertEquals(0, run.failed, "with both agents no call may fail:\n" + run.output());
            assertEquals(KeepAliveScenario.CALLS, run.ok, run.output());
            assertTrue(run.output().contains("takes its tokens from"), "our agent took over:\n" + run.output());
            assertTrue(run.output().contains("opentelemetry-javaagent"), "OpenTelemetry's agent ran:\n"
                    + run.output());
            long refreshes = as.tokenGrants("refresh_token") - refreshesBefore;
            assertTrue(refreshes >= 3, "the run spans three token lifetimes, so it must refresh: " + refreshes);
            Counts after = Counts.of(server);
            long requests = after.traced + after.untraced - before.traced - before.untraced;
            assertTrue(requests > KeepAliveScenario.CALLS, "the app's MCP requests reached the gate: " + requests);
            assertEquals(0, after.untraced - before.untraced, "every MCP request carries OpenTelemetry's traceparent"
                    + " (" + requests + " requests)");
            assertEquals(0, after.severalAuthorizations - before.severalAuthorizations,
                    "no request carries more than one Authorization header");
            secrets.assertNotIn(run.process.name(), run.output());
        }
    }

    /** What the test above relies on: OpenTelemetry alone puts traceparent on every request of the app. */
    @Test
    void openTelemetryAlonePutsTraceContextOnEveryRequest() throws Exception {
        Path dir = Files.createDirectories(servers.work.resolve("otel-alone"));
        AuthorizationServer.Tokens longLived = as.login("app-long"); // valid throughout: no agent of ours refreshes it
        Counts before = Counts.of(server);
        try (ClientRun run = ClientRun.startBeside("2.1", "streamable-requestBuilder", server.baseUrl,
                longLived.accessToken(), null, 3, 200, dir, openTelemetryAgent(), List.of()).finish()) {
            assertEquals(3, run.ok, run.output());
            Counts after = Counts.of(server);
            assertTrue(after.traced - before.traced >= 3, "traced requests: " + (after.traced - before.traced));
            assertEquals(0, after.untraced - before.untraced, "untraced requests");
        }
    }

    /** The gate's counters of MCP requests with and without trace context, and with several Authorization headers. */
    private record Counts(long traced, long untraced, long severalAuthorizations) {
        static Counts of(McpServerProcess server) throws Exception {
            return new Counts(server.gateStat("traced"), server.gateStat("untraced"),
                    server.gateStat("severalAuthorizations"));
        }
    }
}
