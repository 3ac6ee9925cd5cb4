package dev.mcprefresh.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One run of an SDK client app in a forked JVM, with or without the agent, and what it reported. */
final class ClientRun implements AutoCloseable {
    private static final Pattern SUMMARY = Pattern.compile("SUMMARY ok=(\\d+) failed=(\\d+)");

    final ForkedProcess process;
    int ok = -1;
    int failed = -1;

    private ClientRun(ForkedProcess process) {
        this.process = process;
    }

    /** Starts the app; {@code store} null means no agent. */
    static ClientRun start(String sdk, String mode, String baseUrl, String staticToken, Path store, int calls,
            long intervalMillis, Path workDir) throws Exception {
        return start(ItEnv.java(), sdk, mode, baseUrl, staticToken, store, calls, intervalMillis, workDir, line -> { });
    }

    static ClientRun start(String sdk, String mode, String baseUrl, String staticToken, Path store, int calls,
            long intervalMillis, Path workDir, java.util.function.Consumer<String> echo) throws Exception {
        return start(ItEnv.java(), sdk, mode, baseUrl, staticToken, store, calls, intervalMillis, workDir, echo);
    }

    /** Suffix of an app name that runs the module's executable jar ({@code java -jar}) instead of its class path. */
    static final String EXECUTABLE_JAR = "-jar";

    /** The full form: {@code java} is the JVM the app runs on. */
    static ClientRun start(Path java, String sdk, String mode, String baseUrl, String staticToken, Path store,
            int calls, long intervalMillis, Path workDir, java.util.function.Consumer<String> echo) throws Exception {
        return start(java, sdk, "ClientApp", mode, baseUrl, staticToken, store, calls, intervalMillis, workDir, echo,
                List.of());
    }

    /**
     * Another app of the module built on the same loop ({@code app}: its class name in {@link ItEnv#APP_PACKAGE}),
     * with {@code extraArgs} after the usual five.
     */
    static ClientRun start(String sdk, String app, String mode, String baseUrl, String staticToken, Path store,
            int calls, long intervalMillis, Path workDir, List<String> extraArgs) throws Exception {
        return start(ItEnv.java(), sdk, app, mode, baseUrl, staticToken, store, calls, intervalMillis, workDir,
                line -> { }, extraArgs);
    }

    /**
     * The usual ClientApp with more agent arguments and JVM options: {@code agentArgs} are appended to
     * {@code store=...,log.level=debug} (e.g. {@code "keepalive=false"}; ignored without a store), {@code jvmOptions}
     * go before the class path (e.g. {@code "-Dit.linger.millis=25000"}).
     */
    static ClientRun start(String sdk, String mode, String baseUrl, String staticToken, Path store, int calls,
            long intervalMillis, Path workDir, List<String> agentArgs, List<String> jvmOptions) throws Exception {
        return start(sdk, mode, baseUrl, staticToken, store, calls, intervalMillis, workDir, agentArgs, jvmOptions,
                line -> { });
    }

    /** The same, handing every output line to {@code echo} as it arrives (e.g. to note when it came). */
    static ClientRun start(String sdk, String mode, String baseUrl, String staticToken, Path store, int calls,
            long intervalMillis, Path workDir, List<String> agentArgs, List<String> jvmOptions,
            java.util.function.Consumer<String> echo) throws Exception {
        return start(ItEnv.java(), sdk, "ClientApp", mode, baseUrl, staticToken, store, calls, intervalMillis, workDir,
                echo, List.of(), agentArgs, jvmOptions);
    }

    private static ClientRun start(Path java, String sdk, String app, String mode, String baseUrl, String staticToken,
            Path store, int calls, long intervalMillis, Path workDir, java.util.function.Consumer<String> echo,
            List<String> extraArgs) throws Exception {
        return start(java, sdk, app, mode, baseUrl, staticToken, store, calls, intervalMillis, workDir, echo, extraArgs,
                List.of(), List.of());
    }

    private static ClientRun start(Path java, String sdk, String app, String mode, String baseUrl, String staticToken,
            Path store, int calls, long intervalMillis, Path workDir, java.util.function.Consumer<String> echo,
            List<String> extraArgs, List<String> agentArgs, List<String> jvmOptions) throws Exception {
        return start(java, sdk, app, mode, baseUrl, staticToken, store, calls, intervalMillis, workDir, echo, extraArgs,
                agentArgs, List.of(), jvmOptions);
    }

    /**
     * The usual ClientApp beside another agent: {@code optionsBefore} go before ours (e.g. another
     * {@code -javaagent} attached first), {@code jvmOptions} after it.
     */
    static ClientRun startBeside(String sdk, String mode, String baseUrl, String staticToken, Path store, int calls,
            long intervalMillis, Path workDir, List<String> optionsBefore, List<String> jvmOptions) throws Exception {
        return start(ItEnv.java(), sdk, "ClientApp", mode, baseUrl, staticToken, store, calls, intervalMillis, workDir,
                line -> { }, List.of(), List.of(), optionsBefore, jvmOptions);
    }

    private static ClientRun start(Path java, String sdk, String app, String mode, String baseUrl, String staticToken,
            Path store, int calls, long intervalMillis, Path workDir, java.util.function.Consumer<String> echo,
            List<String> extraArgs, List<String> agentArgs, List<String> optionsBefore, List<String> jvmOptions)
            throws Exception {
        Path tokenFile = Files.createTempFile(workDir, "static-token", ".txt");
        Files.writeString(tokenFile, staticToken);
        List<String> cmd = new ArrayList<>();
        cmd.add(java.toString());
        cmd.addAll(optionsBefore);
        if (store != null) {
            StringBuilder agent = new StringBuilder("-javaagent:" + ItEnv.agentJar() + "=store=" + store
                    + ",log.level=debug");
            agentArgs.forEach(a -> agent.append(',').append(a));
            cmd.add(agent.toString());
        }
        cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=info");
        cmd.addAll(jvmOptions);
        if (sdk.endsWith(EXECUTABLE_JAR)) { // the module's Spring Boot executable jar, run as such apps ship
            cmd.addAll(List.of("-jar", ItEnv.executableJar(sdk.substring(0, sdk.length() - EXECUTABLE_JAR.length()))
                    .toString()));
        } else {
            cmd.addAll(List.of("-cp", ItEnv.appClasspath(sdk), ItEnv.APP_PACKAGE + "." + app));
        }
        cmd.addAll(List.of(mode, baseUrl, String.valueOf(calls), String.valueOf(intervalMillis), tokenFile.toString()));
        cmd.addAll(extraArgs);
        String name = "client-" + sdk + "-" + mode + (store != null ? "-agent" : "-plain")
                + (store != null && !agentArgs.isEmpty() ? "[" + String.join(",", agentArgs) + "]" : "");
        return new ClientRun(ForkedProcess.start(name, cmd, workDir, echo));
    }

    /**
     * An app on a host of its own, for fleet tests: {@code home} is its working directory, {@code HOME},
     * {@code user.home} and {@code java.io.tmpdir}, so it shares no file with any other process. With {@code agent}
     * the shaded jar is attached with {@code agentArgs} (no {@code store=} argument: the store comes from the
     * {@code -Dmcp.refresh.store...} properties in {@code jvmOptions}, or is the home's default
     * {@code ~/.mcp-refresh/tokens.json}); {@code app} is a class of {@link ItEnv#APP_PACKAGE} (ClientApp,
     * StressApp), {@code extraArgs} go after the usual five. {@code agentJar}: the shaded jar, or a copy of it.
     */
    static ClientRun startOnHost(String name, Path home, Path agentJar, String sdk, String app, String mode,
            String baseUrl, String staticToken, boolean agent, List<String> agentArgs, List<String> jvmOptions,
            int calls, long intervalMillis, List<String> extraArgs) throws Exception {
        Files.createDirectories(home.resolve("tmp"));
        Path tokenFile = Files.createTempFile(home, "static-token", ".txt");
        Files.writeString(tokenFile, staticToken);
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/env", "HOME=" + home, ItEnv.java().toString()));
        if (agent) {
            cmd.add("-javaagent:" + agentJar + (agentArgs.isEmpty() ? "" : "=" + String.join(",", agentArgs)));
        }
        cmd.addAll(List.of("-Duser.home=" + home, "-Djava.io.tmpdir=" + home.resolve("tmp"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", ItEnv.appClasspath(sdk), ItEnv.APP_PACKAGE + "." + app));
        cmd.addAll(List.of(mode, baseUrl, String.valueOf(calls), String.valueOf(intervalMillis), tokenFile.toString()));
        cmd.addAll(extraArgs);
        return new ClientRun(ForkedProcess.start(name, cmd, home));
    }

    /** As {@link #finish}, for StressApp's summary line ({@code STRESS ok=N failed=M}). */
    ClientRun finishStress(Duration timeout) throws InterruptedException {
        process.waitFor(timeout);
        Matcher m = STRESS_SUMMARY.matcher(process.output());
        if (!m.find()) {
            throw new AssertionError(process.name() + " printed no summary:\n" + process.output());
        }
        ok = Integer.parseInt(m.group(1));
        failed = Integer.parseInt(m.group(2));
        return this;
    }

    private static final Pattern STRESS_SUMMARY = Pattern.compile("STRESS ok=(\\d+) failed=(\\d+)");

    ClientRun finish() throws InterruptedException {
        process.waitFor(Duration.ofSeconds(120));
        Matcher m = SUMMARY.matcher(process.output());
        if (!m.find()) {
            throw new AssertionError(process.name() + " printed no summary:\n" + process.output());
        }
        ok = Integer.parseInt(m.group(1));
        failed = Integer.parseInt(m.group(2));
        return this;
    }

    String output() {
        return process.output();
    }

    long pid() {
        return process.pid();
    }

    String awaitLine(java.util.function.Predicate<String> match, Duration timeout) throws InterruptedException {
        return process.awaitLine(match, timeout);
    }

    @Override
    public void close() {
        process.close();
    }
}
