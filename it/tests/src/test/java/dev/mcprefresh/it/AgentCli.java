package dev.mcprefresh.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Runs {@code java -jar mcp-refresh.jar <args>} as a user would. */
final class AgentCli {
    private AgentCli() {
    }

    record Result(int exitCode, String output) {
    }

    static Result run(Path workDir, String... args) throws Exception {
        return run(ItEnv.java(), workDir, args);
    }

    /** With the {@code java} of another JDK (attach must run on the target's JDK line). */
    static Result run(Path java, Path workDir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "-jar", ItEnv.agentJar().toString()));
        cmd.addAll(List.of(args));
        try (ForkedProcess p = ForkedProcess.start("mcp-refresh " + args[0], cmd, workDir)) {
            int code = p.waitFor(Duration.ofSeconds(60));
            return new Result(code, p.output());
        }
    }

    /**
     * {@code java <jvmOptions> -jar <jar> <args>}: JVM options such as {@code -Duser.home=...} or
     * {@code -Dmcp.refresh.store.user=...}; {@code jar} the shaded jar or a copy of it.
     */
    static Result run(Path workDir, Path jar, List<String> jvmOptions, String... args) throws Exception {
        try (ForkedProcess p = start(workDir, jar, jvmOptions, args)) {
            int code = p.waitFor(Duration.ofSeconds(60));
            return new Result(code, p.output());
        }
    }

    /** The same, running: for commands a test kills or talks to. */
    static ForkedProcess start(Path workDir, Path jar, List<String> jvmOptions, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ItEnv.java().toString()));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-jar", jar.toString()));
        cmd.addAll(List.of(args));
        return ForkedProcess.start("mcp-refresh " + args[0], cmd, workDir);
    }

    /** For commands a test must talk to while they run (login waits for the browser step). */
    static ForkedProcess start(Path workDir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ItEnv.java().toString(), "-jar", ItEnv.agentJar().toString()));
        cmd.addAll(List.of(args));
        return ForkedProcess.start("mcp-refresh " + args[0], cmd, workDir);
    }
}
