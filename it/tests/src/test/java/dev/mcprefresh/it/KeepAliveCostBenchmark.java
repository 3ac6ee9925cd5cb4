package dev.mcprefresh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What keep-alive costs an idle app while nothing is due: an SDK 2.1 app calls once, then sits idle for 40 s with its
 * transport open; its grant's idle lifetime is one hour (stored with {@code add --refresh-idle 1h}), so a keep-alive
 * is planned 30 to 45 minutes ahead. Read from /proc during 30 s of the idle time: the process's CPU time, its
 * threads, and the threads and CPU time of the agent's own threads; without the agent, with keep-alive off and on.
 * Linux only. Run: {@code mvn -Pbench verify -Dit.test=KeepAliveCostBenchmark} (see BENCHMARKS.md).
 */
class KeepAliveCostBenchmark {
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 3);
    private static final long IDLE_MILLIS = 40_000;
    private static final long SAMPLE_FROM_MILLIS = 5_000;
    private static final long SAMPLE_FOR_MILLIS = 30_000;

    @TempDir
    Path work;

    @Test
    void anIdleAppWithAPlannedKeepAlive() throws Exception {
        List<String> variants = List.of("no agent", "keepalive=false", "keepalive=true");
        List<List<ProcSample.Delta>> results = new ArrayList<>();
        for (int v = 0; v < variants.size(); v++) {
            results.add(new ArrayList<>());
        }
        try (AuthorizationServer as = AuthorizationServer.start(work);
                McpServerProcess server = McpServerProcess.start("2.1", "streamable", as, work)) {
            for (int round = 0; round < ROUNDS; round++) {
                for (int v = 0; v < variants.size(); v++) {
                    results.get(v).add(run(as, server, variants.get(v), round));
                }
            }
        }
        BenchReport report = new BenchReport("keepalive-cost");
        report.line("");
        report.line("| variant | process CPU over 30 s idle (ms, median) | threads | agent threads | agent threads' CPU (ms) |");
        report.line("|---|---|---|---|---|");
        for (int v = 0; v < variants.size(); v++) {
            List<ProcSample.Delta> r = results.get(v);
            report.line("| %s | %.0f | %d | %d | %.0f |", variants.get(v),
                    BenchReport.median(r.stream().mapToDouble(d -> d.cpuMillis).toArray()),
                    r.get(r.size() - 1).threads, r.get(r.size() - 1).agentThreads,
                    BenchReport.median(r.stream().mapToDouble(d -> d.agentCpuMillis).toArray()));
        }
        report.line("");
        report.line("%d rounds; /proc read 5 s into a 40 s idle period and again 30 s later; keep-alive planned"
                + " 30-45 min ahead (1 h idle lifetime)", ROUNDS);
        report.write();
    }

    private ProcSample.Delta run(AuthorizationServer as, McpServerProcess server, String variant, int round)
            throws Exception {
        AuthorizationServer.Tokens tokens = as.login("app-long");
        Path dir = Files.createDirectories(work.resolve("run-" + round + "-" + variant.replace('=', '-')
                .replace(' ', '-')));
        Path store = null;
        List<String> agentArgs = List.of();
        if (!variant.equals("no agent")) {
            store = dir.resolve("store/tokens.json");
            Path rt = dir.resolve("rt.txt");
            Files.writeString(rt, tokens.refreshToken());
            AgentCli.Result add = AgentCli.run(dir, "add", server.mcpUrl, "--client-id", "app-long",
                    "--refresh-token-file", rt.toString(), "--refresh-idle", "1h", "--store", store.toString());
            assertEquals(0, add.exitCode(), add.output());
            agentArgs = List.of(variant);
        }
        try (ClientRun app = ClientRun.start("2.1", "streamable-requestBuilder", server.baseUrl, tokens.accessToken(),
                store, 2, IDLE_MILLIS, dir, agentArgs, List.of())) {
            app.awaitLine("CALL 1 OK"::equals, Duration.ofSeconds(60));
            Thread.sleep(SAMPLE_FROM_MILLIS);
            ProcSample before = ProcSample.of(app.pid());
            Thread.sleep(SAMPLE_FOR_MILLIS);
            ProcSample after = ProcSample.of(app.pid());
            app.finish();
            assertEquals(0, app.failed, app.output());
            return after.since(before);
        }
    }

    /** One read of /proc/PID: CPU ticks of the process and of the agent's threads (named mcp-refresh-*). */
    private static final class ProcSample {
        private static final double MILLIS_PER_TICK = 10; // USER_HZ is 100 on Linux

        final long ticks;
        final long agentTicks;
        final int threads;
        final int agentThreads;

        private ProcSample(long ticks, long agentTicks, int threads, int agentThreads) {
            this.ticks = ticks;
            this.agentTicks = agentTicks;
            this.threads = threads;
            this.agentThreads = agentThreads;
        }

        static ProcSample of(long pid) throws Exception {
            Path proc = Path.of("/proc", String.valueOf(pid));
            long ticks = cpuTicks(proc.resolve("stat"));
            long agentTicks = 0;
            int threads = 0;
            int agentThreads = 0;
            try (var tasks = Files.list(proc.resolve("task"))) {
                for (Path task : tasks.toList()) {
                    try {
                        threads++;
                        // comm holds the first 15 bytes of the thread name.
                        if (Files.readString(task.resolve("comm")).trim().startsWith("mcp-refresh")) {
                            agentThreads++;
                            agentTicks += cpuTicks(task.resolve("stat"));
                        }
                    } catch (java.io.IOException ended) {
                        // the thread ended while listed
                    }
                }
            }
            return new ProcSample(ticks, agentTicks, threads, agentThreads);
        }

        /** utime + stime: fields 14 and 15, counted after the parenthesised name, which may hold spaces. */
        private static long cpuTicks(Path stat) throws java.io.IOException {
            String s = Files.readString(stat);
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        }

        Delta since(ProcSample before) {
            return new Delta((ticks - before.ticks) * MILLIS_PER_TICK,
                    Math.max(0, agentTicks - before.agentTicks) * MILLIS_PER_TICK, threads, agentThreads);
        }

        static final class Delta {
            final double cpuMillis;
            final double agentCpuMillis;
            final int threads;
            final int agentThreads;

            Delta(double cpuMillis, double agentCpuMillis, int threads, int agentThreads) {
                this.cpuMillis = cpuMillis;
                this.agentCpuMillis = agentCpuMillis;
                this.threads = threads;
                this.agentThreads = agentThreads;
            }
        }
    }
}
