package dev.mcprefresh.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A child process whose stdout and stderr are collected line by line, both kept for the secret scan. */
final class ForkedProcess implements AutoCloseable {
    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final String name;
    private final java.util.function.Consumer<String> echo;

    private ForkedProcess(String name, Process process, java.util.function.Consumer<String> echo) {
        this.name = name;
        this.process = process;
        this.echo = echo;
        pump(process.getInputStream(), "");
        pump(process.getErrorStream(), "[err] ");
    }

    static ForkedProcess start(String name, List<String> command, Path workDir) throws IOException {
        return start(name, command, workDir, line -> { });
    }

    /** With {@code env} added to (or replacing in) this JVM's environment, e.g. NODE_EXTRA_CA_CERTS for node. */
    static ForkedProcess start(String name, List<String> command, Path workDir, java.util.Map<String, String> env)
            throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
        pb.environment().putAll(env);
        return new ForkedProcess(name, pb.start(), line -> { });
    }

    /** Also hands every line to {@code echo} as it arrives (the demo shows them live). */
    static ForkedProcess start(String name, List<String> command, Path workDir,
            java.util.function.Consumer<String> echo) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
        return new ForkedProcess(name, pb.start(), echo);
    }

    private void pump(InputStream in, String prefix) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (lines) {
                        lines.add(prefix + line);
                        lines.notifyAll();
                    }
                    echo.accept(line);
                }
            } catch (IOException ignored) {
                // process ended
            }
        }, name + "-output");
        t.setDaemon(true);
        t.start();
    }

    /** Waits until a line matches; fails with the output so far when it does not come in time. */
    String awaitLine(Predicate<String> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        synchronized (lines) {
            while (true) {
                for (; seen < lines.size(); seen++) {
                    if (match.test(lines.get(seen))) {
                        return lines.get(seen);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || (!process.isAlive() && seen == lines.size())) {
                    throw new AssertionError(name + ": expected line did not appear; output:\n" + output());
                }
                lines.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 200)));
            }
        }
    }

    long pid() {
        return process.pid();
    }

    int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(name + " did not finish in " + timeout + "; output:\n" + output());
        }
        Thread.sleep(50); // let the pumps drain
        return process.exitValue();
    }

    String output() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    String name() {
        return name;
    }

    /** SIGTERM (as a container stop sends): true when the process ended by itself within {@code wait}. */
    boolean terminate(java.time.Duration wait) throws InterruptedException {
        process.destroy();
        return process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** SIGKILL: no shutdown hook, no finally block runs in the child. */
    void killHard() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
