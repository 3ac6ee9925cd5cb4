package dev.mcprefresh.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One run of the SDK 2.1 MultiTenantApp in a forked JVM, with or without the agent: two transports to one MCP URL,
 * transport A with user A's static token, transport B with user B's; and what each reported.
 */
final class MultiTenantRun implements AutoCloseable {
    /** What one transport reported. */
    record Tally(int ok, int failed) {
        @Override
        public String toString() {
            return "ok=" + ok + " failed=" + failed;
        }
    }

    final ForkedProcess process;
    private final Path fileA;
    private final Path fileB;
    Tally a;
    Tally b;

    private MultiTenantRun(ForkedProcess process, Path fileA, Path fileB) {
        this.process = process;
        this.fileA = fileA;
        this.fileB = fileB;
    }

    /**
     * Starts the app and waits until it has warmed up; then log in and hand it the tokens with {@link #tokens}, so
     * that the 3-second tokens are not spent on JVM start-up. {@code store} null means no agent.
     */
    static MultiTenantRun start(String mcpBaseUrl, String userA, String userB, Path store, int rounds,
            long intervalMillis, Path workDir) throws Exception {
        Path tokens = Files.createTempDirectory(workDir, "static-tokens");
        Path fileA = tokens.resolve("A.txt");
        Path fileB = tokens.resolve("B.txt");
        List<String> cmd = new ArrayList<>(List.of(ItEnv.java().toString()));
        if (store != null) {
            cmd.add("-javaagent:" + ItEnv.agentJar() + "=store=" + store + ",log.level=debug");
        }
        cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=info");
        cmd.addAll(List.of("-cp", ItEnv.appClasspath("2.1"), ItEnv.APP_PACKAGE + ".MultiTenantApp", mcpBaseUrl,
                String.valueOf(rounds), String.valueOf(intervalMillis), userA, fileA.toString(), userB,
                fileB.toString()));
        MultiTenantRun run = new MultiTenantRun(ForkedProcess.start("multi-tenant"
                + (store != null ? "-agent" : "-plain"), cmd, workDir), fileA, fileB);
        run.process.awaitLine(l -> l.equals("WARM"), Duration.ofSeconds(60));
        return run;
    }

    /** The static tokens of transports A and B, written atomically: the app starts calling at once. */
    MultiTenantRun tokens(String tokenA, String tokenB) throws Exception {
        write(fileA, tokenA);
        write(fileB, tokenB);
        return this;
    }

    private static void write(Path file, String token) throws Exception {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, token);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    MultiTenantRun finish() throws InterruptedException {
        process.waitFor(Duration.ofSeconds(120));
        a = tally("A");
        b = tally("B");
        return this;
    }

    private Tally tally(String label) {
        Matcher m = Pattern.compile("SUMMARY " + label + " ok=(\\d+) failed=(\\d+)").matcher(process.output());
        if (!m.find()) {
            throw new AssertionError(process.name() + " printed no summary for transport " + label + ":\n"
                    + process.output());
        }
        return new Tally(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    String output() {
        return process.output();
    }

    @Override
    public void close() {
        process.close();
    }
}
