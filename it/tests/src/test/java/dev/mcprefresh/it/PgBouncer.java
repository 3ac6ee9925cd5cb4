package dev.mcprefresh.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real pgBouncer of its own on loopback in front of a {@link PostgresServer}: transaction pooling, a random port,
 * scram-sha-256 for clients (the users' passwords in plain text in its auth_file, so it can log in to the server with
 * SCRAM too), {@code default_pool_size = 2} so that server connections really are shared between client connections,
 * its log and pid file in a fresh directory under java.io.tmpdir. Binary: {@code -Dit.pgbouncer.bin=FILE}, else
 * /usr/sbin/pgbouncer (Debian's package), else pgbouncer on PATH. pgBouncer refuses to run as root, so when the tests
 * run as root it runs as {@code postgres} (or {@code nobody}) through runuser, as {@link PostgresServer} does.
 *
 * <p>The admin console ({@link #show}) answers {@link #ADMIN_USER}.
 */
final class PgBouncer implements AutoCloseable {
    static final String ADMIN_USER = "pgbouncer_admin";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final Path binary;
    private final Path dir;
    private final Path ini;
    private final Path log;
    private final Path pidFile;
    private final Path authFile;
    private final List<String> runAs;
    private final String adminPassword;
    private final Map<String, String> settings;
    private final String databasesSection;
    private final Thread shutdownHook = new Thread(this::kill, "pgbouncer-shutdown");
    private Process process;
    private int port;
    private boolean closed;

    private PgBouncer(Path binary, Path dir, List<String> runAs, String adminPassword, Map<String, String> settings,
            String databasesSection) {
        this.binary = binary;
        this.dir = dir;
        this.ini = dir.resolve("pgbouncer.ini");
        this.log = dir.resolve("pgbouncer.log");
        this.pidFile = dir.resolve("pgbouncer.pid");
        this.authFile = dir.resolve("userlist.txt");
        this.runAs = runAs;
        this.adminPassword = adminPassword;
        this.settings = settings;
        this.databasesSection = databasesSection;
    }

    static PgBouncer start(PostgresServer backend, String database, String user, String password)
            throws IOException, InterruptedException {
        return start(backend, database, user, password, Map.of());
    }

    /**
     * {@code overrides}: pgbouncer.ini settings of the {@code [pgbouncer]} section that replace the defaults below
     * (an empty value writes the setting empty, e.g. {@code ignore_startup_parameters}).
     */
    static PgBouncer start(PostgresServer backend, String database, String user, String password,
            Map<String, String> overrides) throws IOException, InterruptedException {
        Path binary = binary();
        List<String> runAs = ChildProcesses.runAsPrefix();
        Path dir = ChildProcesses.privateTempDirectory("pgbouncer-it-");

        String server = "host=127.0.0.1 port=" + backend.port();
        // The named database explicitly, and any other (a test's fresh database) through the fallback entry.
        String databases = "[databases]\n"
                + dbName(database) + " = " + server + " dbname=" + dbName(database) + "\n"
                + "* = " + server + "\n";

        Map<String, String> s = new LinkedHashMap<>();
        s.put("listen_addr", "127.0.0.1");
        s.put("listen_port", "0"); // set per attempt
        s.put("unix_socket_dir", ""); // TCP only: nothing in /var/run/postgresql
        s.put("auth_type", "scram-sha-256");
        s.put("auth_file", dir.resolve("userlist.txt").toString());
        s.put("admin_users", ADMIN_USER);
        s.put("pool_mode", "transaction");
        s.put("default_pool_size", "2");
        s.put("min_pool_size", "0");
        s.put("reserve_pool_size", "0");
        s.put("max_client_conn", "100");
        // pgjdbc sends extra_float_digits in its startup packet; pgBouncer refuses a parameter it does not know.
        s.put("ignore_startup_parameters", "extra_float_digits,options");
        s.put("logfile", dir.resolve("pgbouncer.log").toString());
        s.put("pidfile", dir.resolve("pgbouncer.pid").toString());
        s.put("log_connections", "1");
        s.put("log_disconnections", "1");
        s.put("log_pooler_errors", "1");
        s.put("query_wait_timeout", "60");
        s.put("server_login_retry", "1");
        s.put("stats_period", "1");
        s.putAll(overrides);

        PgBouncer b = new PgBouncer(binary, dir, runAs, ChildProcesses.randomSecret(), s, databases);
        Runtime.getRuntime().addShutdownHook(b.shutdownHook);
        ChildProcesses.startOrClose(() -> {
            Files.writeString(b.authFile, quoted(user) + " " + quoted(password) + "\n"
                    + quoted(ADMIN_USER) + " " + quoted(b.adminPassword) + "\n");
            Files.setPosixFilePermissions(b.authFile, PosixFilePermissions.fromString("rw-------"));
            b.firstStart();
        }, b::close);
        return b;
    }

    /** The store URL of {@code database} through this pgBouncer. */
    String url(String database) {
        return "postgresql://127.0.0.1:" + port + "/" + database;
    }

    String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** The version line pgBouncer logged when it came up ("PgBouncer 1.18.0, libevent …"). */
    String version() {
        for (String line : log().split("\n")) {
            int at = line.indexOf("process up: ");
            if (at >= 0) {
                return line.substring(at + "process up: ".length()).trim();
            }
        }
        return "unknown";
    }

    /**
     * {@code SHOW what} on the admin console (POOLS, SERVERS, CLIENTS, STATS, …) through psql: each row as column →
     * value. (Not pgjdbc: since 42.7 it sends {@code SET extra_float_digits} after login to a server older than 12,
     * and the console, which reports pgBouncer's own version, refuses any SET of a parameter it does not know.)
     */
    List<Map<String, String>> show(String what) throws IOException, InterruptedException {
        List<String> cmd = List.of(psql().toString(), "-X", "-q", "-A", "-F", "\t", "-P", "footer=off",
                "-h", "127.0.0.1", "-p", String.valueOf(port), "-U", ADMIN_USER, "-d", "pgbouncer", "-c", "SHOW " + what);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("PG"));
        pb.environment().put("PGPASSWORD", adminPassword);
        pb.environment().put("PGCONNECT_TIMEOUT", "5");
        pb.environment().put("PGSSLMODE", "disable");
        pb.environment().put("PGAPPNAME", "pgbouncer-it-admin");
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out;
        try {
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } finally {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("psql SHOW " + what + " did not finish");
            }
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("psql SHOW " + what + " on the admin console failed: " + out.strip());
        }
        List<Map<String, String>> rows = new ArrayList<>();
        String[] lines = out.split("\n");
        if (lines.length == 0 || lines[0].isEmpty()) {
            return rows;
        }
        String[] header = lines[0].split("\t", -1);
        for (int i = 1; i < lines.length; i++) {
            String[] cells = lines[i].split("\t", -1);
            Map<String, String> row = new LinkedHashMap<>();
            for (int c = 0; c < header.length; c++) {
                row.put(header[c], c < cells.length ? cells[c] : "");
            }
            rows.add(row);
        }
        return rows;
    }

    /** psql of the newest /usr/lib/postgresql/N/bin (where {@link PostgresServer} finds its tools), else on PATH. */
    private static Path psql() {
        return PostgresServer.newestInstalledBin("psql").map(bin -> bin.resolve("psql")).or(() -> onPath("psql"))
                .orElseThrow(() -> new IllegalStateException("psql not found: install postgresql-client"));
    }

    private static Optional<Path> onPath(String name) {
        for (String entry : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path p = Paths.get(entry.isEmpty() ? "." : entry, name);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** Stops pgBouncer (SIGTERM, then SIGKILL) and deletes its files. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        kill();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to
        }
    }

    private synchronized void kill() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            stopProcess();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            ChildProcesses.deleteTree(dir);
        }
    }

    /**
     * SIGTERM to pgBouncer itself (runuser's child when it runs as another user: runuser, signalled, would wait 2 s
     * before it kills its child), then runuser exits by itself; SIGKILL to whatever is left. Nothing may outlive the
     * test.
     */
    private void stopProcess() throws InterruptedException {
        if (process == null) {
            return;
        }
        List<ProcessHandle> pgbouncer = new ArrayList<>();
        process.descendants().forEach(pgbouncer::add);
        pgbouncerPid().flatMap(ProcessHandle::of)
                .filter(h -> h.info().commandLine().map(c -> c.contains(ini.toString())).orElse(false))
                .filter(h -> !pgbouncer.contains(h)).ifPresent(pgbouncer::add);
        if (pgbouncer.isEmpty()) {
            pgbouncer.add(process.toHandle()); // not through runuser, or not forked yet
        }
        pgbouncer.forEach(ProcessHandle::destroy); // SIGTERM: pgBouncer (before 1.23) shuts down at once
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        List<ProcessHandle> all = new ArrayList<>(pgbouncer);
        all.add(process.toHandle());
        for (ProcessHandle h : all) {
            while (h.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            if (h.isAlive()) {
                h.descendants().forEach(ProcessHandle::destroyForcibly);
                h.destroyForcibly();
            }
        }
        process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        process = null;
    }

    /** A port from ServerSocket(0) can be taken before pgBouncer binds it: then once more with another. */
    private void firstStart() throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            port = ItEnv.freePort();
            settings.put("listen_port", String.valueOf(port));
            writeIni();
            try {
                startProcess();
                return;
            } catch (IllegalStateException e) {
                stopProcess();
                if (attempt >= 3 || !log().contains("Address already in use")) {
                    throw e;
                }
            }
        }
    }

    private void writeIni() throws IOException, InterruptedException {
        StringBuilder text = new StringBuilder("; PgBouncer (integration tests)\n").append(databasesSection)
                .append("\n[pgbouncer]\n");
        settings.forEach((k, v) -> text.append(k).append(" = ").append(v).append('\n'));
        Files.writeString(ini, text.toString());
        Files.setPosixFilePermissions(ini, PosixFilePermissions.fromString("rw-------"));
        ChildProcesses.chownTo(runAs, dir, Duration.ofSeconds(30));
    }

    /** In the foreground (no -d): this JVM holds the process and stops it. Ready once it logged "process up" and
     * accepts TCP connections. */
    private void startProcess() throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(runAs);
        cmd.add(binary.toString());
        cmd.add(ini.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("PG"));
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD); // the same lines go to the log file
        process = pb.start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("pgbouncer exited with " + process.exitValue() + " while starting\n"
                        + "--- " + log + " ---\n" + tail());
            }
            if (log().contains("process up") && accepts()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("pgbouncer did not come up in " + START_TIMEOUT + "\n--- " + log
                        + " ---\n" + tail());
            }
            Thread.sleep(20);
        }
    }

    private boolean accepts() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    String tail() {
        String[] lines = log().split("\n");
        return String.join("\n", List.of(lines).subList(Math.max(0, lines.length - 40), lines.length));
    }

    private Optional<Long> pgbouncerPid() {
        try {
            return Optional.of(Long.parseLong(Files.readString(pidFile).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Path binary() {
        String configured = System.getProperty("it.pgbouncer.bin");
        if (configured != null && !configured.isBlank()) {
            Path p = Paths.get(configured);
            if (!Files.isExecutable(p)) {
                throw new IllegalStateException("-Dit.pgbouncer.bin=" + configured + " is not an executable");
            }
            return p;
        }
        Path debian = Paths.get("/usr/sbin/pgbouncer");
        if (Files.isExecutable(debian)) {
            return debian;
        }
        return onPath("pgbouncer").orElseThrow(() -> new IllegalStateException("pgbouncer not found: install it"
                + " (apt-get install pgbouncer) or point -Dit.pgbouncer.bin at its binary"));
    }

    /** A database name as pgbouncer.ini takes it: only the characters the tests use, never quoted. */
    private static String dbName(String name) {
        if (!name.matches("[A-Za-z0-9_]+")) {
            throw new IllegalArgumentException("database name for pgbouncer.ini: " + name);
        }
        return name;
    }

    /** auth_file quoting: in double quotes, a double quote doubled. */
    private static String quoted(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }
}
