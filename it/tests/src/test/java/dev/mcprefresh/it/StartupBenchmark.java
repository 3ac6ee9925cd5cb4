package dev.mcprefresh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcprefresh.core.store.TokenRecord;
import dev.mcprefresh.core.store.FileTokenStore;
import dev.mcprefresh.core.store.TokenStore;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole-process start-up: an app that builds an MCP SDK 2.1 client, and one that never loads MCP, each run with no
 * agent, with a do-nothing agent and with mcp-refresh (its store holding an entry for the app's server, so the
 * transport really is instrumented and wrapped). Rounds alternate the variants; medians of wall time from process
 * start to exit; the MCP app also beside the OpenTelemetry Java agent. Then one run per variant for retained heap and loaded classes, and one debug run for the agent's own
 * time (premain, name checks, instrumentation) and the classes it loads from its jar.
 * Run: {@code mvn -Pbench verify -Dit.test=StartupBenchmark} (see BENCHMARKS.md).
 */
class StartupBenchmark {
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 30);
    private static final Pattern STATS = Pattern.compile("STATS heap=(\\d+) classes=(\\d+)");
    private static final Pattern COST = Pattern.compile("cost: .*");
    private static final Pattern CPU = Pattern.compile("CPU (\\d+)");
    private static final String OTEL_ALONE = "mcp / OpenTelemetry agent";
    private static final String OTEL_AND_OURS = "mcp / OpenTelemetry agent, then mcp-refresh";
    private static final Pattern MAIN_CPU = Pattern.compile("MAINCPU (\\d+) UPTIME (\\d+)");

    @TempDir
    Path work;

    @Test
    void startUpWithAndWithoutTheAgent() throws Exception {
        String base = "http://127.0.0.1:" + ItEnv.freePort();
        Path store = work.resolve("store/tokens.json");
        TokenRecord entry = TokenRecord.builder(base + "/mcp").tokenEndpoint("http://127.0.0.1:9/token").clientId("bench")
                .accessToken("a".repeat(43)).refreshToken("r".repeat(43)).expiresAt(Instant.now().plusSeconds(3600))
                .updatedAt(Instant.now()).build();
        new FileTokenStore(store, Duration.ofSeconds(5)).update(c -> {
            c.put(entry);
            return null;
        });
        Path noop = noopAgentJar();
        String agent = "-javaagent:" + ItEnv.agentJar() + "=store=" + store;
        Map<String, List<String>> variants = new LinkedHashMap<>();
        for (String app : List.of("mcp", "plain")) {
            variants.put(app + " / no agent", List.of());
            variants.put(app + " / do-nothing agent", List.of("-javaagent:" + noop));
            variants.put(app + " / mcp-refresh", List.of(agent));
        }
        // Beside the OpenTelemetry Java agent, as production JVMs often run: OpenTelemetry first, then ours.
        List<String> openTelemetry = List.of("-javaagent:" + ItEnv.ROOT.resolve(
                "it/tests/target/other-agents/opentelemetry-javaagent.jar"), "-Dotel.traces.exporter=none",
                "-Dotel.metrics.exporter=none", "-Dotel.logs.exporter=none");
        variants.put(OTEL_ALONE, openTelemetry);
        List<String> both = new ArrayList<>(openTelemetry);
        both.add(agent);
        variants.put(OTEL_AND_OURS, both);
        List<String> names = new ArrayList<>(variants.keySet());
        Map<String, double[]> millis = new LinkedHashMap<>();
        Map<String, double[]> cpu = new LinkedHashMap<>();
        Map<String, double[]> mainCpu = new LinkedHashMap<>();
        names.forEach(n -> millis.put(n, new double[ROUNDS]));
        names.forEach(n -> cpu.put(n, new double[ROUNDS]));
        names.forEach(n -> mainCpu.put(n, new double[ROUNDS]));
        for (int i = 0; i < 2; i++) { // warm the OS file cache and the CDS archive mapping
            for (String n : names) {
                run(n, variants.get(n), base, false);
            }
        }
        for (int round = 0; round < ROUNDS; round++) {
            for (int k = 0; k < names.size(); k++) {
                String n = names.get((k + round) % names.size()); // rotate the order: no variant always runs first
                Run r = run(n, variants.get(n), base, false);
                millis.get(n)[round] = r.millis;
                Matcher c = CPU.matcher(r.output);
                assertTrue(c.find(), r.output);
                cpu.get(n)[round] = Long.parseLong(c.group(1));
                Matcher m = MAIN_CPU.matcher(r.output);
                assertTrue(m.find(), r.output);
                mainCpu.get(n)[round] = Long.parseLong(m.group(1)) / 1000.0;
            }
        }
        BenchReport report = new BenchReport("startup");
        report.line("");
        report.line("| app / agent | median wall time | added (paired, 95 % CI) | median CPU time | added"
                + " | main thread CPU | added (paired, 95 % CI) |");
        report.line("|---|---|---|---|---|---|---|");
        for (String n : names) {
            String app = n.substring(0, n.indexOf(" / "));
            String none = app + " / no agent";
            report.line("| %s | %.0f ms | %s | %.0f ms | %+.0f ms | %.1f ms | %s |", n,
                    BenchReport.median(millis.get(n)), added(millis, n, none),
                    BenchReport.median(cpu.get(n)), BenchReport.median(cpu.get(n)) - BenchReport.median(cpu.get(none)),
                    BenchReport.median(mainCpu.get(n)), added(mainCpu, n, none));
        }
        for (String app : List.of("mcp", "plain")) {
            String nothing = app + " / do-nothing agent";
            String full = app + " / mcp-refresh";
            report.line("");
            report.line("%s app, mcp-refresh over the do-nothing agent: wall %s, main thread CPU %s", app,
                    added(millis, full, nothing), added(mainCpu, full, nothing));
        }
        report.line("");
        report.line("mcp app beside the OpenTelemetry agent (attached first), mcp-refresh over OpenTelemetry alone:"
                + " wall %s, main thread CPU %s", added(millis, OTEL_AND_OURS, OTEL_ALONE),
                added(mainCpu, OTEL_AND_OURS, OTEL_ALONE));
        report.line("");
        report.line("(%d rounds, variants alternating; wall time from process start to exit; CPU time of the whole"
                + " process and of the main thread as the JVM reports them just before exit; 'added' is the median"
                + " of the per-round differences to the baseline run in the same round, with a distribution-free"
                + " 95 %% confidence interval of that median)", ROUNDS);
        report.line("");
        report.line("| app / agent | heap retained after start (after full GC) | loaded classes |");
        report.line("|---|---|---|");
        for (String n : names) {
            Run r = run(n, variants.get(n), base, true);
            Matcher s = STATS.matcher(r.output);
            assertTrue(s.find(), r.output);
            report.line("| %s | %.1f MB | %s |", n, Long.parseLong(s.group(1)) / 1e6, s.group(2));
        }
        for (String app : List.of("mcp", "plain")) {
            Path classLog = work.resolve(app + "-classes.log");
            Run debug = run(app + " / mcp-refresh, debug", List.of(agent + ",log.level=debug",
                    "-Xlog:class+load=info:file=" + classLog), base, false);
            Matcher cost = COST.matcher(debug.output);
            assertTrue(cost.find(), debug.output);
            long fromJar = Files.readAllLines(classLog).stream().filter(l -> l.contains("mcp-refresh.jar")).count();
            report.line("");
            report.line("%s app, agent at debug: %s; %d classes loaded from mcp-refresh.jar", app, cost.group(), fromJar);
            if (app.equals("mcp")) {
                assertTrue(debug.output.contains("takes its tokens from the store entr"),
                        "the benchmark must measure a transport the agent really wraps:\n" + debug.output);
            } else {
                assertTrue(debug.output.contains("no MCP client library on the class path"), debug.output);
            }
        }
        report.line("");
        report.line("agent jar: %.2f MB", Files.size(ItEnv.agentJar()) / 1e6);
        report.write();
    }

    /** The median of the per-round differences of {@code variant} to {@code baseline}, with its 95 % interval. */
    private static String added(Map<String, double[]> figures, String variant, String baseline) {
        double[] d = BenchReport.minus(figures.get(variant), figures.get(baseline));
        double[] ci = BenchReport.medianInterval(d);
        return String.format(java.util.Locale.ROOT, "%+.1f ms [%+.1f, %+.1f]", BenchReport.median(d), ci[0], ci[1]);
    }

    private record Run(double millis, String output) {
    }

    private Run run(String name, List<String> jvmOptions, String base, boolean stats) throws IOException,
            InterruptedException {
        List<String> command = new ArrayList<>(List.of(ItEnv.java().toString()));
        command.addAll(jvmOptions);
        // The plain app runs with its own classes only: an app without MCP libraries, where the agent stays idle.
        command.addAll(List.of("-cp", name.startsWith("mcp") ? ItEnv.appClasspath("2.1") : ItEnv.appClasses("2.1"),
                ItEnv.APP_PACKAGE + (name.startsWith("mcp") ? ".StartupApp" : ".PlainStartupApp"), base));
        if (stats) {
            command.add("stats");
        }
        Path out = work.resolve("out.txt");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
        long started = System.nanoTime();
        Process p = pb.start();
        int exit = p.waitFor();
        double millis = (System.nanoTime() - started) / 1e6;
        String output = Files.readString(out);
        assertEquals(0, exit, name + ":\n" + output);
        assertTrue(output.contains("BUILT "), name + ":\n" + output);
        return new Run(millis, output);
    }

    /**
     * {@link DoNothingAgent} alone in a jar of its own, off the app's class path: a baseline agent that has to be
     * found in its own jar as a real one does (one whose class sat on the app's class path would skip that cost).
     */
    private Path noopAgentJar() throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Premain-Class", DoNothingAgent.class.getName());
        String entry = DoNothingAgent.class.getName().replace('.', '/') + ".class";
        Path jar = work.resolve("do-nothing-agent.jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, manifest);
             java.io.InputStream in = DoNothingAgent.class.getClassLoader().getResourceAsStream(entry)) {
            j.putNextEntry(new java.util.jar.JarEntry(entry));
            in.transferTo(j);
            j.closeEntry();
        }
        return jar;
    }
}
