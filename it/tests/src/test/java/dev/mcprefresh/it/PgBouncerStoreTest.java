package dev.mcprefresh.it;

import static dev.mcprefresh.it.ConcurrentStores.firstReadsAtOnce;
import static dev.mcprefresh.it.ConcurrentStores.holdRow;
import static dev.mcprefresh.it.ConcurrentStores.millisSince;
import static dev.mcprefresh.it.ConcurrentStores.refusedAfterLockTimeout;
import static dev.mcprefresh.it.StoreFixtures.USER;
import static dev.mcprefresh.it.StoreFixtures.entry;
import static dev.mcprefresh.it.StoreFixtures.openStore;
import static dev.mcprefresh.it.StoreFixtures.put;
import static dev.mcprefresh.it.StoreFixtures.random;
import static dev.mcprefresh.it.StoreFixtures.setAccessToken;
import static dev.mcprefresh.it.StoreFixtures.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcprefresh.core.store.StoreContents;
import dev.mcprefresh.core.store.StoreException;
import dev.mcprefresh.core.store.TokenRecord;
import dev.mcprefresh.core.store.TokenStore;
import dev.mcprefresh.it.ConcurrentStores.RowWaiter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The PostgreSQL token store through a real pgBouncer in transaction pooling ({@link PgBouncer}: two server
 * connections per database and user, shared by every client connection), against a real PostgreSQL
 * ({@link PostgresServer}). Proves what the store claims: everything it does is transaction-scoped, so the schema
 * migration, the row lock held across an action, the lock timeout, reads and version() all work when consecutive
 * transactions of one client connection run on different server connections. The server logs every statement
 * ({@code log_statement = all}) so the last test can show that no named statement, no LISTEN and no session lock
 * reached it; a control (a store told to use named statements) shows the same harness catches a session-dependent
 * client.
 *
 * <p>One cluster and one pgBouncer for the class; a fresh database per test (pgBouncer's fallback {@code *} entry
 * gives each its own pool of two).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PgBouncerStoreTest {
    /** Every database of a test but the control's: the log checks read the lines of these. */
    private static final String DB_PREFIX = "bouncer_";
    private static final String CONTROL_DB = "control_named";
    /** pgBouncer's default_pool_size in {@link PgBouncer}. */
    private static final int POOL_SIZE = 2;

    private StoreFixtures fixtures;
    private PostgresServer pg;
    private PgBouncer bouncer;
    private Path key;
    private String db;

    @BeforeAll
    void start() throws Exception {
        fixtures = StoreFixtures.start("pgbouncer-store-it-");
        pg = fixtures.pg();
        key = fixtures.keyFile();
        // Every statement in the server log, with its database and application: what reached PostgreSQL through the
        // pooler is read back at the end.
        pg.sql("postgres", "alter system set log_line_prefix = '%m [%p] db=%d user=%u app=%a ';\n"
                + "alter system set log_statement = 'all';\n"
                + "select pg_reload_conf();");
        pg.createDatabase(DB_PREFIX + "main", USER);
        bouncer = PgBouncer.start(pg, DB_PREFIX + "main", USER, fixtures.password());
    }

    @AfterAll
    void stop() {
        try {
            if (bouncer != null) {
                bouncer.close();
            }
        } finally {
            if (fixtures != null) {
                fixtures.close();
            }
        }
    }

    @BeforeEach
    void freshDatabase() throws Exception {
        db = fixtures.freshDatabase(DB_PREFIX);
    }

    // ------------------------------------------------------------------------------------------------ (a) schema

    @Test
    @Order(1)
    void firstUseCreatesTheSchemaOnceFromFourHostsAtOnceThroughThePooler() throws Exception {
        assertEquals("f", sql("select to_regclass('mcp_refresh_entries') is not null"));
        int n = 4;
        assertEquals(List.of(), firstReadsAtOnce(n, () -> open(Duration.ofSeconds(10))),
                "every host's first use succeeds through the pooler");
        assertEquals("1", sql("select count(*) from mcp_refresh_schema"), "the migration ran once");
        assertEquals("t", sql("select to_regclass('mcp_refresh_entries') is not null"));
        assertEquals("t", sql("select to_regclass('mcp_refresh_entry_version') is not null"));
        assertEquals("0", sql("select count(*) from pg_locks where locktype = 'advisory'"),
                "the migration lock went with its transaction: none is left on a pooled server connection");
        assertTrue(serverPids().size() <= POOL_SIZE, "server connections: " + serverPids());
        long lockers = count(Files.readString(pg.logFile(), StandardCharsets.UTF_8),
                "db=" + db + " \\S+ \\S+ LOG:  execute <unnamed>: SELECT pg_advisory_xact_lock\\(");
        System.out.println("schema: " + lockers + " of " + n + " hosts found no schema and took the migration lock");
        assertTrue(lockers >= 1, "the migration ran through the pooler");
        // The store works once the schema is there, from a host that did not create it.
        TokenRecord r = entry("https://mcp.example.com/mcp", "ada");
        put(open(Duration.ofSeconds(10)), r);
        assertEquals(r.accessToken(), open(Duration.ofSeconds(10)).read().get(r.id()).accessToken());
    }

    // ------------------------------------------------------------------------------------------ (b) lost updates

    @Test
    @Order(2)
    void eightHostsOfFourThreadsLoseNoUpdateThroughTwoServerConnections() throws Exception {
        int hosts = 8;
        int threadsPerHost = 4;
        int updates = 400;
        TokenRecord x = entry("https://mcp.example.com/mcp", "counter").toBuilder().refreshToken("rt-0").build();
        put(open(Duration.ofSeconds(10)), x);
        List<TokenStore> stores = new ArrayList<>();
        for (int i = 0; i < hosts; i++) {
            stores.add(open(Duration.ofSeconds(10)));
        }

        AtomicInteger tickets = new AtomicInteger();
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        Set<Integer> seen = ConcurrentHashMap.newKeySet();
        List<String> failures = new CopyOnWriteArrayList<>();
        Sampler sampler = new Sampler();
        ExecutorService pool = Executors.newFixedThreadPool(hosts * threadsPerHost);
        long t0 = System.nanoTime();
        try {
            sampler.start();
            CyclicBarrier barrier = new CyclicBarrier(hosts * threadsPerHost);
            List<Future<?>> workers = new ArrayList<>();
            for (TokenStore store : stores) {
                for (int t = 0; t < threadsPerHost; t++) {
                    workers.add(pool.submit(() -> {
                        barrier.await(10, TimeUnit.SECONDS);
                        while (tickets.getAndIncrement() < updates) {
                            try {
                                store.updateEntry(x.id(), c -> {
                                    maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                                    try {
                                        TokenRecord r = c.get(x.id());
                                        int n = Integer.parseInt(r.refreshToken().substring("rt-".length()));
                                        if (!seen.add(n)) {
                                            failures.add("counter value " + n + " read twice: a lost update");
                                        }
                                        Thread.yield(); // widen the window a missing lock would leave
                                        c.put(r.toBuilder().refreshToken("rt-" + (n + 1)).build());
                                        return null;
                                    } finally {
                                        inside.decrementAndGet();
                                    }
                                });
                            } catch (RuntimeException e) {
                                failures.add(String.valueOf(e));
                            }
                        }
                        return null;
                    }));
                }
            }
            for (Future<?> w : workers) {
                w.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
            sampler.stop();
        }
        long tookMillis = millisSince(t0);

        assertEquals(List.of(), failures.subList(0, Math.min(5, failures.size())), failures.size() + " failures");
        assertEquals("rt-" + updates, open(Duration.ofSeconds(10)).read().get(x.id()).refreshToken(),
                "every one of the " + updates + " updates counted");
        assertEquals(updates, seen.size());
        assertEquals(1, maxInside.get(), "two actions ran at once on the same entry");

        // A real proof only if server connections were shared: many client connections, at most two servers.
        List<Map<String, String>> servers = bouncer.show("SERVERS").stream()
                .filter(r -> db.equals(r.get("database"))).collect(Collectors.toList());
        String log = bouncer.log();
        long clientLogins = count(log, "C-\\S+: " + db + "/" + USER + "@\\S+ login attempt");
        long serverConnections = count(log, "S-\\S+: " + db + "/" + USER + "@\\S+ new connection to server");
        String summary = "hammer: " + updates + " updates in " + tookMillis + " ms; client logins " + clientLogins
                + ", server connections opened " + serverConnections + ", peak clients " + sampler.maxClients
                + " (peak waiting " + sampler.maxWaiting + "), peak servers " + sampler.maxServers
                + ", backend pids " + sampler.backendPids + ", SHOW SERVERS rows " + servers.size();
        System.out.println(summary);
        assertTrue(sampler.samples.get() >= 3, "the sampler ran: " + summary);
        assertTrue(sampler.backendPids.size() <= POOL_SIZE && serverConnections <= POOL_SIZE
                && sampler.maxServers <= POOL_SIZE && servers.size() <= POOL_SIZE, summary);
        assertTrue(clientLogins >= hosts * threadsPerHost && sampler.maxClients > POOL_SIZE * 4
                && sampler.maxWaiting > 0, "server connections were not contended: " + summary);

        // pgBouncer tracks ApplicationName per client: the pooled server connections carry the store's.
        assertEquals("mcp-refresh", sql("select string_agg(distinct application_name, ',') from pg_stat_activity"
                + " where datname = current_database() and pid <> pg_backend_pid()"));
    }

    // ----------------------------------------------------------------------------------------------- (c) row lock

    @Test
    @Order(3)
    void aHeldRowMakesAnotherHostWaitAndSeeItsWriteWhileAnotherEntryIsFree() throws Exception {
        TokenRecord x = entry("https://x.example.com/mcp", "kate");
        TokenRecord y = entry("https://y.example.com/mcp", "liam");
        put(open(Duration.ofSeconds(10)), x, y);
        TokenStore store1 = open(Duration.ofSeconds(20));
        TokenStore store2 = open(Duration.ofSeconds(20));
        store1.read();
        store2.read();
        ExecutorService pool = Executors.newCachedThreadPool();
        try {
            CountDownLatch release = new CountDownLatch(1);
            Future<?> first = holdRow(pool, store1, x.id(), release, "from-store1");

            // Another entry is free meanwhile (one of the two server connections is pinned by store1's transaction).
            long t0 = System.nanoTime();
            setAccessToken(store2, y.id(), "y-meanwhile");
            long otherMillis = millisSince(t0);
            assertTrue(otherMillis < 1_000, "another entry waited " + otherMillis + " ms");

            RowWaiter second = new RowWaiter(pool, store2, x.id(), "from-store2");
            awaitRowLockWaiter("store2 never waited on the row lock in PostgreSQL");
            Thread.sleep(500);
            second.entersAfterRelease(release, first, "from-store1");
            StoreContents after = open(Duration.ofSeconds(10)).read();
            assertEquals("from-store2", after.get(x.id()).accessToken());
            assertEquals("y-meanwhile", after.get(y.id()).accessToken());
        } finally {
            pool.shutdownNow();
        }
    }

    // ------------------------------------------------------------------------------------------- (d) lock timeout

    @Test
    @Order(4)
    void aLockTimeoutThroughThePoolerIsTheLockTimeoutError() throws Exception {
        TokenRecord x = entry("https://x.example.com/mcp", "mona");
        TokenStore store1 = open(Duration.ofSeconds(20));
        put(store1, x);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        CountDownLatch release = new CountDownLatch(1);
        try {
            Future<?> holder = holdRow(pool, store1, x.id(), release, null);
            TokenStore impatient = open(Duration.ofSeconds(1));
            StoreException timedOut = refusedAfterLockTimeout(impatient, x.id());
            assertTrue(timedOut.getMessage().startsWith("timed out after 1 s waiting for a row lock of the token"
                    + " store " + bouncer.url(db)), timedOut.getMessage());

            // The SET LOCAL went with the timed-out transaction: the next one on that client (whatever server
            // connection it gets) waits as long as the holder needs, and the holder's own transaction is unharmed.
            release.countDown();
            holder.get(10, TimeUnit.SECONDS);
            setAccessToken(impatient, x.id(), "after-timeout");
            assertEquals("after-timeout", store1.read().get(x.id()).accessToken());
            assertEquals("0", sql("select count(*) from pg_stat_activity where datname = current_database()"
                    + " and state like 'idle in transaction%'"), "no transaction left open on a pooled connection");
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    // --------------------------------------------------------------------------------------- (e) reads, version()

    @Test
    @Order(5)
    void readsAndVersionWorkThroughThePooler() throws Exception {
        TokenStore a = open(Duration.ofSeconds(10));
        TokenStore b = open(Duration.ofSeconds(10));
        TokenRecord alice = entry("https://mcp.example.com/mcp", "alice");
        TokenRecord bob = entry("https://mcp.example.com/mcp", "bob");
        put(a, alice, bob);
        StoreContents read = b.read();
        assertEquals(2, read.records().size());
        assertEquals(alice.toJson(), read.get(alice.id()).toJson());
        assertEquals(bob.toJson(), read.get(bob.id()).toJson());
        assertEquals(2, read.forServer("https://mcp.example.com/mcp").size());
        assertEquals(bouncer.url(db), b.location());

        TokenStore c = open(Duration.ofSeconds(10));
        Object v1 = awaitVersion(c, null);
        assertTrue(String.valueOf(v1).startsWith("2/"), String.valueOf(v1));
        setAccessToken(c, alice.id(), "at-new"); // its own write: the next version() asks again
        Object v2 = awaitVersion(c, v1);
        assertNotEquals(v1, v2);
        assertTrue(String.valueOf(v2).startsWith("2/"), String.valueOf(v2));
        assertEquals("at-new", b.read().get(alice.id()).accessToken());

        // Clients with other ApplicationNames share the two server connections, each sees its own name.
        Map<String, Connection> clients = new LinkedHashMap<>();
        try {
            for (String app : List.of("app-a", "app-b", "app-c", "app-d")) {
                clients.put(app, bouncerConnection(app));
            }
            for (int round = 0; round < 3; round++) {
                for (Map.Entry<String, Connection> e : clients.entrySet()) {
                    assertEquals(e.getKey(), query(e.getValue(), "show application_name"));
                }
            }
        } finally {
            for (Connection conn : clients.values()) {
                conn.close();
            }
        }
    }

    // ------------------------------------------------------------------------------ pool sizing (an observation)

    /**
     * In transaction pooling a transaction pins a server connection, and the store's transaction lasts as long as
     * its action (a token request) plus any wait on the row lock. With the pool full of such transactions, an update
     * of an unrelated entry waits in pgBouncer's queue, longer than the store's lock timeout (which bounds the row
     * lock wait in PostgreSQL only); past pgBouncer's query_wait_timeout the pooler drops the client.
     */
    @Test
    @Order(6)
    void aFullPoolQueuesAnUnrelatedEntryBeyondTheLockTimeout() throws Exception {
        TokenRecord x = entry("https://x.example.com/mcp", "nora");
        TokenRecord y = entry("https://y.example.com/mcp", "otto");
        put(open(Duration.ofSeconds(10)), x, y);
        TokenStore store3 = open(Duration.ofSeconds(1));
        store3.read();
        ExecutorService pool = Executors.newCachedThreadPool();
        CountDownLatch release = new CountDownLatch(1);
        try {
            FullPool full = fillPool(bouncer.url(db), pool, release, x.id(), "store2");
            long t0 = System.nanoTime();
            Future<?> unrelated = pool.submit(() -> setAccessToken(store3, y.id(), "y-late"));
            awaitTrue(() -> waitingClients() >= 1, "store3 never queued in pgBouncer");
            Thread.sleep(1_500);
            assertFalse(unrelated.isDone(), "store3's update of another entry waited for a server connection");
            release.countDown();
            full.finish();
            unrelated.get(10, TimeUnit.SECONDS); // no lock timeout: the wait was in pgBouncer, not on a lock
            long waited = millisSince(t0);
            assertTrue(waited >= 1_500, "waited " + waited + " ms");
            System.out.println("pool sizing: an unrelated entry waited " + waited + " ms in pgBouncer's queue with a"
                    + " lock timeout of 1 s (pool of " + POOL_SIZE + ": one holder, one row-lock waiter)");
        } finally {
            release.countDown();
            pool.shutdownNow();
        }

        // The same with query_wait_timeout = 1: the pooler drops the queued client. What does the store say?
        try (PgBouncer impatientPool = PgBouncer.start(pg, db, USER, fixtures.password(),
                Map.of("query_wait_timeout", "1"))) {
            String url = impatientPool.url(db);
            TokenStore s3 = open(url, Duration.ofSeconds(1));
            s3.read();
            ExecutorService pool2 = Executors.newCachedThreadPool();
            CountDownLatch release2 = new CountDownLatch(1);
            try {
                FullPool full = fillPool(url, pool2, release2, x.id(), "s2");
                long t0 = System.nanoTime();
                StoreException dropped = assertThrows(StoreException.class, () -> s3.updateEntry(y.id(), c -> null));
                long waited = millisSince(t0);
                System.out.println("pool sizing: with query_wait_timeout = 1 an unrelated entry failed after " + waited
                        + " ms: " + dropped.getClass().getSimpleName() + ": " + dropped.getMessage());
                assertTrue(dropped.getMessage().contains("query_wait_timeout"), dropped.getMessage());
                // The next operation of that host fails at once (the store took the drop for an outage) or works.
                String next;
                try {
                    s3.read();
                    next = "works";
                } catch (StoreException e) {
                    next = e.getClass().getSimpleName() + ": " + e.getMessage();
                }
                System.out.println("pool sizing: the next read of that host right after: " + next);
                release2.countDown();
                full.finish();
            } finally {
                release2.countDown();
                pool2.shutdownNow();
            }
        }
    }

    // ------------------------------------------------------------------------------------- startup parameters

    /**
     * pgBouncer refuses a startup parameter it neither tracks nor ignores. The driver the store ships (pgjdbc 42.7)
     * sends none such (extra_float_digits only with assumeMinServerVersion; application_name by a SET after login,
     * which pgBouncer tracks): the store works through a pgBouncer without {@code ignore_startup_parameters}.
     */
    @Test
    @Order(7)
    void theStoreNeedsNoIgnoredStartupParameter() throws Exception {
        try (PgBouncer strict = PgBouncer.start(pg, db, USER, fixtures.password(),
                Map.of("ignore_startup_parameters", ""))) {
            TokenRecord r = entry("https://mcp.example.com/mcp", "strict");
            TokenStore store = open(strict.url(db), Duration.ofSeconds(10));
            put(store, r);
            setAccessToken(store, r.id(), "at-strict");
            assertEquals("at-strict", open(strict.url(db), Duration.ofSeconds(10)).read().get(r.id()).accessToken());
            assertFalse(strict.log().contains("unsupported startup parameter"), strict.log());
        }
    }

    // ---------------------------------------------------------------------------------- control: named statements

    /**
     * The harness catches a session-dependent client: plain pgjdbc clients using named server-side statements
     * ({@code prepareThreshold=1}) work directly against PostgreSQL and fail through this pooler, while the same
     * clients without them work through it. The store cannot be made to use them: a URL asking for them is refused.
     */
    @Test
    @Order(8)
    void controlNamedStatementsFailThroughThePoolerAndTheStoreRefusesThem() throws Exception {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> open(bouncer.url(db) + "?prepareThreshold=1", Duration.ofSeconds(10)));
        assertTrue(refused.getMessage().contains("prepareThreshold"), refused.getMessage());

        pg.createDatabase(CONTROL_DB, USER);
        assertEquals(0, rawClients("jdbc:" + pg.url(CONTROL_DB), "1").size(), "named statements work directly");
        assertEquals(0, rawClients("jdbc:" + bouncer.url(CONTROL_DB), "0").size(), "unnamed ones work pooled");
        List<String> failures = rawClients("jdbc:" + bouncer.url(CONTROL_DB), "1");
        System.out.println("control: named statements through the pooler: " + failures.size() + " failures, e.g. "
                + failures.stream().limit(2).collect(Collectors.toList()));
        assertTrue(failures.stream().anyMatch(f -> f.contains("prepared statement")),
                "named statements through transaction pooling did not fail: " + failures);
        String log = Files.readString(pg.logFile(), StandardCharsets.UTF_8);
        assertTrue(Pattern.compile("db=" + CONTROL_DB + " .*execute S_\\d+").matcher(log).find(),
                "the server log shows what the last test looks for");
    }

    /** Four plain clients, 30 parameterised queries each, with {@code prepareThreshold}; the failures. */
    private List<String> rawClients(String jdbcUrl, String prepareThreshold) throws Exception {
        List<String> failures = new CopyOnWriteArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> clients = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                clients.add(pool.submit(() -> {
                    Properties p = new Properties();
                    p.setProperty("user", USER);
                    p.setProperty("password", fixtures.password());
                    p.setProperty("prepareThreshold", prepareThreshold);
                    try (Connection c = new org.postgresql.Driver().connect(jdbcUrl, p)) {
                        for (int n = 0; n < 30; n++) {
                            try (java.sql.PreparedStatement q = c.prepareStatement("SELECT ?::int + 1")) {
                                q.setInt(1, n);
                                q.executeQuery().close();
                            } catch (SQLException e) {
                                failures.add(e.getMessage());
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> c : clients) {
                c.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        return failures;
    }


    // ----------------------------------------------------------------------------------------------- (f) the logs

    /**
     * Last: everything the tests above sent through the pooler, as the server and pgBouncer logged it. No named
     * statement (every execute is {@code <unnamed>}), no LISTEN, no session advisory lock, no session SET but the
     * driver's connection setup; no error but the lock timeout of (d); pgBouncer reports no pooler error.
     */
    @Test
    @Order(9)
    void neitherLogShowsASessionDependenceOrAPoolerError() throws Exception {
        // Some traffic of this test's own, so it proves something when run alone.
        TokenRecord r = entry("https://mcp.example.com/mcp", "log");
        TokenStore store = open(Duration.ofSeconds(10));
        put(store, r);
        for (int i = 0; i < 3; i++) {
            setAccessToken(store, r.id(), "at-" + random());
        }
        assertNotNull(open(Duration.ofSeconds(10)).read().get(r.id()));

        Pattern line = Pattern.compile("db=(" + DB_PREFIX + "\\S*) user=(\\S*) app=(\\S*) (LOG|ERROR|FATAL|WARNING):  (.*)");
        Pattern statement = Pattern.compile("(?:statement|execute ([^:]+)): (.*)");
        long unnamed = 0;
        Set<String> namedStatements = new TreeSet<>();
        Set<String> sessionSets = new TreeSet<>();
        Set<String> forbidden = new TreeSet<>();
        Set<String> errors = new TreeSet<>();
        for (String l : Files.readAllLines(pg.logFile(), StandardCharsets.UTF_8)) {
            Matcher m = line.matcher(l);
            if (!m.find() || m.group(3).equals("psql") || m.group(3).startsWith("app-")) {
                continue; // the tests' own psql and raw clients
            }
            String level = m.group(4);
            String text = m.group(5);
            if (!level.equals("LOG")) {
                if (!text.startsWith("canceling statement due to lock timeout")) {
                    errors.add(level + ": " + text);
                }
                continue;
            }
            Matcher s = statement.matcher(text);
            if (!s.matches()) {
                continue;
            }
            String name = s.group(1);
            String sql = s.group(2).trim();
            if (name != null && name.equals("<unnamed>")) {
                unnamed++;
            } else if (name != null) {
                namedStatements.add(name + ": " + sql);
            }
            String upper = sql.toUpperCase(java.util.Locale.ROOT);
            if (upper.startsWith("SET ") && !upper.startsWith("SET LOCAL ")) {
                sessionSets.add(sql);
            }
            if (upper.startsWith("LISTEN") || upper.startsWith("PREPARE") || upper.startsWith("DECLARE")
                    || upper.contains("PG_ADVISORY_LOCK(") || upper.contains("PG_TRY_ADVISORY_LOCK(")
                    || upper.startsWith("SET SESSION") || upper.startsWith("RESET") || upper.startsWith("DISCARD")) {
                forbidden.add(sql);
            }
        }
        System.out.println("server log: " + unnamed + " unnamed executes; session SETs " + sessionSets);
        assertTrue(unnamed >= 10, "the server logged the store's statements: " + unnamed);
        assertEquals(Set.of(), namedStatements, "named server-side statements reached the server");
        assertEquals(Set.of(), forbidden, "session-scoped statements reached the server");
        assertEquals(Set.of(), errors, "errors in the server log");
        // The only session SETs are the driver's connection setup (pgjdbc 42.7 runs "SET application_name" after
        // login, and "SET extra_float_digits" before PostgreSQL 12) and pgBouncer's own for the parameters it tracks
        // per client (application_name among them): nothing of the store's.
        Set<String> allowed = Set.of("extra_float_digits", "application_name", "client_encoding", "datestyle",
                "timezone", "standard_conforming_strings");
        for (String set : sessionSets) {
            String param = set.substring(4).trim().split("[ =]")[0].toLowerCase(java.util.Locale.ROOT);
            assertTrue(allowed.contains(param), "a session SET: " + set);
        }

        List<String> poolerTrouble = new ArrayList<>();
        for (String l : bouncer.log().split("\n")) {
            if (l.contains(CONTROL_DB + "/")) {
                continue; // the control's
            }
            if (l.contains(" ERROR ") || l.contains(" WARNING ") || l.contains("pooler error")
                    || l.contains("prepared statement") || l.contains("unsupported startup parameter")) {
                poolerTrouble.add(l);
            }
        }
        assertEquals(List.of(), poolerTrouble, "pgBouncer's log");
        assertTrue(bouncer.log().contains("login attempt: db=" + db), "pgBouncer logged this test's logins");
        System.out.println("pgbouncer: " + bouncer.version());
    }

    // ------------------------------------------------------------------------------------------------- helpers

    /** Samples pgBouncer's SHOW POOLS and the server's backends of the test's database while the hammer runs. */
    private final class Sampler {
        final AtomicInteger samples = new AtomicInteger();
        final Set<Integer> backendPids = ConcurrentHashMap.newKeySet();
        volatile int maxClients;
        volatile int maxWaiting;
        volatile int maxServers;
        private final AtomicBoolean stop = new AtomicBoolean();
        private Thread thread;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        void start() {
            thread = new Thread(() -> {
                try (Connection server = serverConnection("postgres")) {
                    while (!stop.get()) {
                        for (Map<String, String> row : bouncer.show("POOLS")) {
                            if (db.equals(row.get("database")) && USER.equals(row.get("user"))) {
                                int clients = num(row, "cl_active") + num(row, "cl_waiting");
                                int servers = num(row, "sv_active") + num(row, "sv_idle") + num(row, "sv_used")
                                        + num(row, "sv_tested") + num(row, "sv_login");
                                maxClients = Math.max(maxClients, clients);
                                maxWaiting = Math.max(maxWaiting, num(row, "cl_waiting"));
                                maxServers = Math.max(maxServers, servers);
                            }
                        }
                        try (Statement st = server.createStatement();
                             ResultSet rs = st.executeQuery("select pid from pg_stat_activity where datname = '"
                                     + db + "'")) {
                            while (rs.next()) {
                                backendPids.add(rs.getInt(1));
                            }
                        }
                        samples.incrementAndGet();
                        Thread.sleep(5);
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "pgbouncer-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            stop.set(true);
            thread.join(10_000);
            if (failure.get() != null) {
                throw new AssertionError("the sampler failed", failure.get());
            }
        }
    }

    private static int num(Map<String, String> row, String column) {
        String v = row.get(column);
        return v == null ? 0 : Integer.parseInt(v);
    }

    private int waitingClients() throws IOException, InterruptedException {
        int waiting = 0;
        for (Map<String, String> row : bouncer.show("POOLS")) {
            if (db.equals(row.get("database"))) {
                waiting += num(row, "cl_waiting");
            }
        }
        return waiting;
    }

    /** The server's backends of the test's database (pgBouncer's server connections), the caller's excluded. */
    private Set<String> serverPids() throws IOException, InterruptedException {
        String pids = sql("select string_agg(pid::text, ',') from pg_stat_activity where datname = current_database()"
                + " and pid <> pg_backend_pid()");
        return pids.isEmpty() ? Set.of() : new TreeSet<>(List.of(pids.split(",")));
    }

    /** A plain pgjdbc client of the test's database through pgBouncer, as another application would be. */
    private Connection bouncerConnection(String applicationName) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", USER);
        p.setProperty("password", fixtures.password());
        p.setProperty("ApplicationName", applicationName);
        p.setProperty("prepareThreshold", "0");
        return new org.postgresql.Driver().connect("jdbc:" + bouncer.url(db), p);
    }

    /** The superuser straight to PostgreSQL: the sampler's view of the server. */
    private Connection serverConnection(String database) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("password", pg.superuserPassword());
        p.setProperty("ApplicationName", "psql"); // left out of the log checks like the tests' psql
        return new org.postgresql.Driver().connect("jdbc:" + pg.url(database), p);
    }

    private static String query(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private String sql(String query) throws IOException, InterruptedException {
        return pg.sql(db, query);
    }

    private TokenStore open(Duration lockTimeout) {
        return open(bouncer.url(db), lockTimeout);
    }

    /** A store as the agent opens it (one per simulated host): agent arguments, nothing from the environment. */
    private TokenStore open(String url, Duration lockTimeout) {
        return openStore(url, settings(USER, fixtures.passwordFile(), key), lockTimeout);
    }

    /**
     * Takes both server connections of the test's pool behind {@code url}: two hosts (lock timeout 20 s, first read
     * made), one holding the row of {@code id} until {@code release} opens, the other ({@code waiterName}) waiting on
     * that row lock in PostgreSQL.
     */
    private FullPool fillPool(String url, ExecutorService pool, CountDownLatch release, String id, String waiterName)
            throws Exception {
        TokenStore holder = open(url, Duration.ofSeconds(20));
        TokenStore waiter = open(url, Duration.ofSeconds(20));
        holder.read();
        waiter.read();
        Future<?> held = holdRow(pool, holder, id, release, null);
        Future<?> lockWaiter = pool.submit(() -> waiter.updateEntry(id, c -> null));
        awaitRowLockWaiter(waiterName + " never waited on the row lock");
        return new FullPool(held, lockWaiter);
    }

    /** The two updates that fill the pool; {@link #finish} once released. */
    private record FullPool(Future<?> holder, Future<?> lockWaiter) {
        void finish() throws Exception {
            holder.get(10, TimeUnit.SECONDS);
            lockWaiter.get(10, TimeUnit.SECONDS);
        }
    }

    /** An update of the test's database waits on a row lock in PostgreSQL (not in pgBouncer's queue). */
    private void awaitRowLockWaiter(String message) throws Exception {
        awaitTrue(() -> "1".equals(sql("select count(*) from pg_stat_activity where datname = current_database()"
                + " and wait_event_type = 'Lock'")), message);
    }

    private static Object awaitVersion(TokenStore store, Object other) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            long t0 = System.nanoTime();
            Object v = store.version();
            assertTrue(millisSince(t0) < 50, "version() waited on the database");
            if (v != null && !Objects.equals(v, other)) {
                return v;
            }
            assertTrue(System.nanoTime() < deadline, "version() never learned a new version (last " + v + ")");
            Thread.sleep(20);
        }
    }

    @FunctionalInterface
    private interface Check {
        boolean ok() throws Exception;
    }

    private static void awaitTrue(Check check, String message) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!check.ok()) {
            assertTrue(System.nanoTime() < deadline, message);
            Thread.sleep(20);
        }
    }

    private static long count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        long n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
