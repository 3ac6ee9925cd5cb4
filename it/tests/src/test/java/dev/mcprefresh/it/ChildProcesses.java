package dev.mcprefresh.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The process plumbing {@link PostgresServer} and {@link PgBouncer} share. Both servers refuse to run as root, so when
 * the tests run as root they run through runuser as an unprivileged user, in a private temp directory handed to that
 * user; a tool run to completion has its output collected and its whole tree killed when it outlasts its timeout.
 */
final class ChildProcesses {
    /** The user the servers run as when we are root; {@code nobody} where it does not exist. */
    private static final String SERVER_USER = "postgres";

    private ChildProcesses() {
    }

    record Result(int exit, String stdout, String stderr) {
    }

    /** What a launcher does to come up. */
    @FunctionalInterface
    interface Startup {
        void run() throws IOException, InterruptedException;
    }

    /** Runs {@code startup}; when it fails, {@code close} runs before the failure goes on: nothing it began outlives it. */
    static void startOrClose(Startup startup, Runnable close) throws IOException, InterruptedException {
        try {
            startup.run();
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            close.run();
            throw e;
        }
    }

    /** Empty when we may run a server ourselves; else runuser to postgres (or nobody). */
    static List<String> runAsPrefix() throws IOException, InterruptedException {
        Object uid;
        try {
            uid = Files.getAttribute(Paths.get("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException e) {
            uid = "root".equals(System.getProperty("user.name")) ? 0 : -1;
        }
        if (!Integer.valueOf(0).equals(uid)) {
            return List.of();
        }
        Process id = new ProcessBuilder("id", "-u", SERVER_USER).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        boolean exists = id.waitFor(10, TimeUnit.SECONDS) && id.exitValue() == 0;
        return List.of("runuser", "-u", exists ? SERVER_USER : "nobody", "--");
    }

    /** A fresh directory under java.io.tmpdir that only its owner may enter: it holds passwords. */
    static Path privateTempDirectory(String prefix) throws IOException {
        Path dir = Files.createTempDirectory(prefix);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        return dir;
    }

    /** Hands {@code dir} to the user {@code runAs} switches to, so the server can write there; nothing without one. */
    static void chownTo(List<String> runAs, Path dir, Duration timeout) throws IOException, InterruptedException {
        if (runAs.isEmpty()) {
            return;
        }
        // runAs ends with the user name: "runuser -u USER --"
        String user = runAs.get(runAs.size() - 2);
        Result r = run(List.of("chown", "-R", user, dir.toString()), dir, null, null, timeout, () -> "");
        if (r.exit() != 0) {
            throw new IllegalStateException("chown of " + dir + " to " + user + " failed: "
                    + (r.stdout() + r.stderr()).strip());
        }
    }

    /**
     * Runs {@code command} in {@code workDir} (an unprivileged user may not enter our working directory), with
     * {@code env} (null: ours) and {@code stdin} (null: none), and kills it, with everything it forked, when it
     * outlasts {@code timeout}; that failure ends with {@code diagnostics}.
     */
    static Result run(List<String> command, Path workDir, Map<String, String> env, String stdin, Duration timeout,
            Supplier<String> diagnostics) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
        if (env != null) {
            pb.environment().clear();
            pb.environment().putAll(env);
        }
        if (stdin == null) {
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        }
        Process p = pb.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String name = Paths.get(command.get(0)).getFileName().toString();
        Thread outPump = pump(p.getInputStream(), out, name);
        Thread errPump = pump(p.getErrorStream(), err, name);
        if (stdin != null) {
            try (OutputStream in = p.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            } catch (IOException exitedEarly) {
                // its exit code and stderr say why
            }
        }
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            outPump.join(2000);
            errPump.join(2000);
            throw new IllegalStateException(String.join(" ", command) + " did not finish in " + timeout + "\nstderr: "
                    + err.toString(StandardCharsets.UTF_8).strip() + diagnostics.get());
        }
        outPump.join(5000);
        errPump.join(5000);
        return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Thread pump(InputStream in, ByteArrayOutputStream sink, String name) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            try (in) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    sink.write(buf, 0, n);
                }
            } catch (IOException ignored) {
                // process ended
            }
        }, "pg-" + name + "-output");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** 24 random bytes, URL-safe base64: a password for a server's own user. */
    static String randomSecret() {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // left for the OS to clean up
                }
            });
        } catch (IOException | UncheckedIOException ignored) {
            // a file vanished while we walked: nothing left to do
        }
    }
}
