package dev.mcprefresh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tool calls per second over loopback against a local MCP SDK 2.1 server, with and without the agent, the app sending
 * a valid static token (and the store holding the same server's entry, so with the agent every request carries the
 * store's token instead). The gate caches introspection results until each token's exp, as production resource
 * servers do, so the figure is not one node.js introspection per call. Rounds alternate; ratio of medians.
 * Run: {@code mvn -Pbench verify -Dit.test=ThroughputBenchmark} (see BENCHMARKS.md).
 */
class ThroughputBenchmark {
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 8);
    private static final String THREADS = "2";
    private static final String WARM_UP_SECONDS = "5";
    private static final String MEASURE_SECONDS = "10";
    private static final Pattern RESULT = Pattern.compile("THROUGHPUT calls=(\\d+) failed=(\\d+) millis=(\\d+)");

    @TempDir
    Path work;

    @Test
    void toolCallsPerSecondWithAndWithoutTheAgent() throws Exception {
        try (AuthorizationServer as = AuthorizationServer.start(work);
                McpServerProcess server = McpServerProcess.start("2.1", "streamable", as, work,
                        List.of("-Dit.gate.cacheIntrospection=true"))) {
            double[] without = new double[ROUNDS];
            double[] with = new double[ROUNDS];
            for (int round = 0; round < ROUNDS; round++) {
                boolean agentFirst = round % 2 == 1;
                for (int k = 0; k < 2; k++) {
                    boolean agent = (k == 0) == agentFirst;
                    double rate = run(as, server, agent, round);
                    (agent ? with : without)[round] = rate;
                }
            }
            BenchReport report = new BenchReport("throughput");
            report.line("");
            report.line("| client | median tool calls/s | min | max |");
            report.line("|---|---|---|---|");
            report.line("| no agent | %.0f | %.0f | %.0f |", BenchReport.median(without),
                    BenchReport.percentile(without, 0), BenchReport.percentile(without, 100));
            report.line("| mcp-refresh | %.0f | %.0f | %.0f |", BenchReport.median(with),
                    BenchReport.percentile(with, 0), BenchReport.percentile(with, 100));
            report.line("");
            report.line("ratio with/without (medians): %.3f; %d rounds alternating, %s threads, %s s warm-up, %s s"
                    + " measured per run", BenchReport.median(with) / BenchReport.median(without), ROUNDS, THREADS,
                    WARM_UP_SECONDS, MEASURE_SECONDS);
            report.write();
        }
    }

    private double run(AuthorizationServer as, McpServerProcess server, boolean agent, int round) throws Exception {
        // A fresh 300-second login per run: the static token stays valid for the whole run, with or without agent.
        AuthorizationServer.Tokens tokens = as.login("app-long");
        Path dir = Files.createDirectories(work.resolve("run-" + round + (agent ? "-agent" : "-plain")));
        Path tokenFile = dir.resolve("token.txt");
        Files.writeString(tokenFile, tokens.accessToken());
        List<String> command = new ArrayList<>(List.of(ItEnv.java().toString()));
        if (agent) {
            Path rt = dir.resolve("rt.txt");
            Files.writeString(rt, tokens.refreshToken());
            Path store = dir.resolve("store/tokens.json");
            AgentCli.Result add = AgentCli.run(dir, "add", server.mcpUrl, "--client-id", "app-long",
                    "--refresh-token-file", rt.toString(), "--store", store.toString());
            assertEquals(0, add.exitCode(), add.output());
            command.add("-javaagent:" + ItEnv.agentJar() + "=store=" + store);
        }
        command.addAll(List.of("-cp", ItEnv.appClasspath("2.1"), ItEnv.APP_PACKAGE + ".ThroughputApp",
                "streamable-requestBuilder", server.baseUrl, WARM_UP_SECONDS, tokenFile.toString(), THREADS,
                MEASURE_SECONDS));
        try (ForkedProcess p = ForkedProcess.start("throughput", command, dir)) {
            p.waitFor(Duration.ofSeconds(120));
            Matcher m = RESULT.matcher(p.output());
            assertTrue(m.find(), p.output());
            assertEquals("0", m.group(2), "no call may fail:\n" + p.output());
            return Long.parseLong(m.group(1)) * 1000.0 / Long.parseLong(m.group(3));
        }
    }
}
