package dev.mcprefresh.it;

import dev.mcprefresh.it.ChildProcesses.Result;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL cluster of its own on loopback: a fresh data directory under java.io.tmpdir, a random port,
 * superuser {@code postgres} with a random password (scram-sha-256 over TCP). Binaries: {@code -Dit.pg.bin=DIR}, else
 * the newest /usr/lib/postgresql/N/bin, else pg_ctl's directory on PATH. initdb and postgres refuse to run as root, so
 * when the tests run as root the cluster runs as {@code postgres} (or {@code nobody}) through runuser; the clients
 * (psql, pg_dump) connect over TCP as whoever we are.
 */
final class PostgresServer implements AutoCloseable {
    private static final Duration CLUSTER_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(60);
    private static final String SUPERUSER = "postgres";

    private final Path bin;
    private final Path dir;
    private final Path data;
    private final Path log;
    private final List<String> runAs;
    private final String superPassword;
    private final Thread shutdownHook = new Thread(this::emergencyStop, "postgres-shutdown");
    private int port;
    private boolean running;
    private boolean closed;

    private PostgresServer(Path bin, Path dir, List<String> runAs, String superPassword) {
        this.bin = bin;
        this.dir = dir;
        this.data = dir.resolve("data");
        this.log = dir.resolve("server.log");
        this.runAs = runAs;
        this.superPassword = superPassword;
    }

    static PostgresServer start() throws IOException, InterruptedException {
        Path bin = binaries();
        List<String> runAs = ChildProcesses.runAsPrefix();
        Path dir = ChildProcesses.privateTempDirectory("pg-it-");
        PostgresServer pg = new PostgresServer(bin, dir, runAs, ChildProcesses.randomSecret());
        Runtime.getRuntime().addShutdownHook(pg.shutdownHook);
        ChildProcesses.startOrClose(() -> {
            pg.initdb();
            pg.firstStart();
        }, pg::close);
        return pg;
    }

    int port() {
        return port;
    }

    String url(String database) {
        return "postgresql://127.0.0.1:" + port + "/" + database;
    }

    Path logFile() {
        return log;
    }

    /** The superuser's password, for clients the test points at {@link #url}. */
    String superuserPassword() {
        return superPassword;
    }

    void createUser(String name, String password) throws IOException, InterruptedException {
        sql("postgres", "create role " + ident(name) + " login password " + literal(password));
    }

    void createDatabase(String name, String owner) throws IOException, InterruptedException {
        sql("postgres", "create database " + ident(name) + " owner " + ident(owner));
    }

    /** Runs {@code sql} as the superuser; returns psql's unaligned, tuples-only output, trimmed. */
    String sql(String database, String sql) throws IOException, InterruptedException {
        return sql(database, SUPERUSER, superPassword, sql);
    }

    /** The SQL goes in on stdin and the password in the environment: neither shows in a process listing. */
    String sql(String database, String user, String password, String sql) throws IOException, InterruptedException {
        List<String> cmd = List.of(tool("psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                "-h", "127.0.0.1", "-p", String.valueOf(port), "-U", user, "-d", database, "-f", "-");
        Result r = run(cmd, List.of(), clientEnv(password), sql, CLIENT_TIMEOUT);
        if (r.exit() != 0) {
            throw failure("psql as " + user + " on " + database + " failed", r);
        }
        return r.stdout().trim();
    }

    String pgDump(String database) throws IOException, InterruptedException {
        List<String> cmd = List.of(tool("pg_dump"), "--no-owner", "-h", "127.0.0.1", "-p", String.valueOf(port),
                "-U", SUPERUSER, "-d", database);
        Result r = run(cmd, List.of(), clientEnv(superPassword), null, CLIENT_TIMEOUT);
        if (r.exit() != 0) {
            throw failure("pg_dump of " + database + " failed", r);
        }
        return r.stdout();
    }

    /** Fast shutdown: clients are disconnected, the cluster checkpoints. A no-op when it is not running. */
    synchronized void stop() throws IOException, InterruptedException {
        if (!running) {
            return;
        }
        pgCtl("stop", "-m", "fast");
        running = false;
    }

    /** Starts a stopped or killed cluster again: same data directory, same port. */
    synchronized void startAgain() throws IOException, InterruptedException {
        if (closed || running) {
            throw new IllegalStateException(closed ? "closed" : "already running");
        }
        pgCtl("start", "-l", log.toString());
        running = true;
    }

    synchronized void restart() throws IOException, InterruptedException {
        stop();
        startAgain();
    }

    /**
     * SIGKILL to the postmaster and every process it forked, as after a crash: nothing is flushed or checkpointed, and
     * the next start runs crash recovery. The children die too because a new postmaster refuses to start while any of
     * them still holds the old shared memory.
     */
    synchronized void kill() throws IOException, InterruptedException {
        // postmaster.pid outlives a crash: its pid may since belong to another process, hence the command line check.
        Optional<ProcessHandle> postmaster = postmasterPid().flatMap(ProcessHandle::of)
                .filter(p -> p.info().commandLine().map(c -> c.contains(data.toString())).orElse(false));
        if (postmaster.isPresent()) {
            List<ProcessHandle> all = new ArrayList<>();
            all.add(postmaster.get());
            postmaster.get().descendants().forEach(all::add);
            all.forEach(ProcessHandle::destroyForcibly);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            for (ProcessHandle p : all) {
                while (p.isAlive() && !zombie(p)) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("postgres process " + p.pid() + " survived SIGKILL");
                    }
                    Thread.sleep(20);
                }
            }
            if (zombie(postmaster.get())) {
                // Not reaped yet (a container's init may never do it): the lock files' pid still answers signals, and
                // a new postmaster would take it for a live one.
                Files.deleteIfExists(data.resolve("postmaster.pid"));
                Files.deleteIfExists(dir.resolve(".s.PGSQL." + port + ".lock"));
            }
        }
        running = false;
    }

    /** Exited but not yet reaped by its parent: ProcessHandle still counts it alive. */
    private static boolean zombie(ProcessHandle p) {
        try {
            String stat = Files.readString(Paths.get("/proc", String.valueOf(p.pid()), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 1).trim().startsWith("Z");
        } catch (IOException | RuntimeException gone) {
            return !p.isAlive();
        }
    }

    /** Stops the cluster (kills it when that fails, or when a failed start left one behind) and deletes its files. */
    @Override
    public synchronized void close() {
        if (!closed) {
            shutDown("fast");
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or about to
            }
        }
    }

    /** The test JVM is exiting without close(): no postgres may outlive it. */
    private void emergencyStop() {
        synchronized (this) {
            if (!closed) {
                shutDown("immediate");
            }
        }
    }

    private void shutDown(String mode) {
        try {
            try {
                if (running) {
                    pgCtl("stop", "-m", mode);
                    running = false;
                }
            } catch (IOException | RuntimeException e) {
                // killed below
            }
            kill();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException ignored) {
            // best effort: the temp directory goes anyway
        } finally {
            closed = true;
            ChildProcesses.deleteTree(dir);
        }
    }

    private void initdb() throws IOException, InterruptedException {
        Path pwfile = dir.resolve("pwfile");
        Files.writeString(pwfile, superPassword + "\n");
        ChildProcesses.chownTo(runAs, dir, CLIENT_TIMEOUT);
        Result r = run(List.of(tool("initdb"), "-D", data.toString(), "-U", SUPERUSER, "--pwfile=" + pwfile,
                "-E", "UTF8", "--locale=C", "--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync"),
                runAs, clusterEnv(), null, CLUSTER_TIMEOUT);
        Files.delete(pwfile);
        if (r.exit() != 0) {
            throw failure("initdb failed", r);
        }
    }

    /** A port from ServerSocket(0) can be taken before postgres binds it: then once more with another. */
    private void firstStart() throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            port = ItEnv.freePort();
            // Appended, so the last "port" line wins on a retry; pg_ctl restarts read the same file.
            Files.writeString(data.resolve("postgresql.conf"), "\n# PostgresServer (integration tests)\n"
                    + "listen_addresses = '127.0.0.1'\n"
                    + "port = " + port + "\n"
                    + "unix_socket_directories = " + literal(dir.toString()) + "\n"
                    + "max_connections = 100\n"
                    + "shared_buffers = 32MB\n"
                    + "password_encryption = 'scram-sha-256'\n"
                    // fsync only matters when the machine dies; kill() loses no write() the OS already has.
                    + "fsync = off\n",
                    StandardOpenOption.APPEND);
            try {
                startAgain();
                return;
            } catch (IllegalStateException e) {
                if (attempt >= 3 || !logTail().contains("Address already in use")) {
                    throw e;
                }
            }
        }
    }

    private void pgCtl(String... action) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(tool("pg_ctl"), "-D", data.toString(), "-w",
                "-t", String.valueOf(CLUSTER_TIMEOUT.toSeconds() - 10)));
        cmd.addAll(List.of(action));
        Result r = run(cmd, runAs, clusterEnv(), null, CLUSTER_TIMEOUT);
        if (r.exit() != 0) {
            throw failure("pg_ctl " + String.join(" ", action), r);
        }
    }

    private Optional<Long> postmasterPid() {
        try {
            List<String> lines = Files.readAllLines(data.resolve("postmaster.pid"));
            return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private IllegalStateException failure(String what, Result r) {
        return new IllegalStateException(what + " (exit " + r.exit() + ")\nstdout: " + r.stdout().strip() + "\nstderr: "
                + r.stderr().strip() + "\n--- tail of " + log + " ---\n" + logTail());
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private String tool(String name) {
        return bin.resolve(name).toString();
    }

    /** Inherited PG* variables (PGDATA, PGPORT, PGHOST, ...) would point our tools elsewhere. */
    private static Map<String, String> baseEnv(Map<String, String> env) {
        env.keySet().removeIf(k -> k.startsWith("PG"));
        env.put("LC_ALL", "C");
        return env;
    }

    private Map<String, String> clusterEnv() {
        return baseEnv(new java.util.HashMap<>(System.getenv()));
    }

    private static Map<String, String> clientEnv(String password) {
        Map<String, String> env = baseEnv(new java.util.HashMap<>(System.getenv()));
        env.put("PGPASSWORD", password);
        env.put("PGCONNECT_TIMEOUT", "10");
        env.put("PGSSLMODE", "disable");
        env.put("PGCLIENTENCODING", "UTF8");
        return env;
    }

    /** Runs {@code runAs + cmd} in the cluster's directory; when it outlasts {@code timeout}, says the log's tail. */
    private Result run(List<String> cmd, List<String> runAs, Map<String, String> env, String stdin, Duration timeout)
            throws IOException, InterruptedException {
        List<String> full = new ArrayList<>(runAs);
        full.addAll(cmd);
        return ChildProcesses.run(full, dir, env, stdin, timeout, () -> "\n--- tail of " + log + " ---\n" + logTail());
    }

    private static Path binaries() {
        String configured = System.getProperty("it.pg.bin");
        if (configured != null && !configured.isBlank()) {
            Path dir = Paths.get(configured);
            if (!Files.isExecutable(dir.resolve("pg_ctl"))) {
                throw new IllegalStateException("-Dit.pg.bin=" + configured + " has no pg_ctl");
            }
            return dir;
        }
        Optional<Path> newest = newestInstalledBin("pg_ctl");
        if (newest.isPresent()) {
            return newest.get();
        }
        // On PATH: possibly a symlink (Debian's /usr/bin wrappers are not the server tools), so its real directory.
        for (String entry : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            for (String tool : List.of("pg_ctl", "initdb")) {
                Path p = Paths.get(entry.isEmpty() ? "." : entry, tool);
                if (Files.isExecutable(p)) {
                    try {
                        return p.toRealPath().getParent();
                    } catch (IOException ignored) {
                        // dangling link: keep looking
                    }
                }
            }
        }
        throw new IllegalStateException("PostgreSQL server binaries not found: install them (apt-get install "
                + "postgresql) or point -Dit.pg.bin at the directory that holds pg_ctl, initdb and psql");
    }

    /** The newest /usr/lib/postgresql/N/bin (Debian's layout, one N per major version) that holds {@code tool}. */
    static Optional<Path> newestInstalledBin(String tool) {
        Path debian = Paths.get("/usr/lib/postgresql");
        if (!Files.isDirectory(debian)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(debian)) {
            return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve(tool)))
                    .max(Comparator.comparingDouble(PostgresServer::version));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** "15" or "9.6" from /usr/lib/postgresql/VERSION/bin; unknown names sort first. */
    private static double version(Path bin) {
        try {
            return Double.parseDouble(bin.getParent().getFileName().toString());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String ident(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    private static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
