package dev.mcprefresh.core.store.postgres;

import dev.mcprefresh.core.config.Settings;
import dev.mcprefresh.core.log.Log;
import dev.mcprefresh.core.store.StoreContents;
import dev.mcprefresh.core.store.StoreException;
import dev.mcprefresh.core.store.StoreLocation;
import dev.mcprefresh.core.store.StoreUnavailableException;
import dev.mcprefresh.core.store.TokenRecord;
import dev.mcprefresh.core.store.TokenStore;
import dev.mcprefresh.core.store.crypto.FieldCipher;
import dev.mcprefresh.core.store.crypto.StoreKeys;
import dev.mcprefresh.core.util.DaemonThreads;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The token store a fleet shares: one row per entry in PostgreSQL. An update is one transaction that locks the rows
 * it reads ({@code SELECT … FOR UPDATE} under {@code lock_timeout}), runs the action (a refresh asks the token
 * endpoint while it holds the row), writes what changed with a new version compared-and-set against the one read,
 * and commits before anyone uses the new token. Nothing session-scoped (no advisory session lock, no named
 * statement, no LISTEN), so it works through pgBouncer's transaction pooling; a host that dies mid-refresh loses its
 * connection, so its lock, and its transaction leaves no trace. Hosts learn of each other's refreshes when their own
 * copy nears expiry (the refresh transaction re-reads the row and takes up a newer token), so requests never wait on
 * the database.
 */
public final class PostgresTokenStore implements TokenStore {
    /** How often, at most, {@link #version()} asks the database whether the store changed (off the caller's thread). */
    private static final long VERSION_POLL_MILLIS = 5_000;

    private final PostgresConfig config;
    private final SealedRecords records;
    private final PgConnections connections;
    private final Outage outage;
    private final AtomicBoolean polling = new AtomicBoolean();
    private volatile ExecutorService poller;
    private volatile boolean schemaReady;
    private volatile String lastVersion;
    private final java.util.Set<String> unreadableSaid = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile long lastVersionMillis;

    PostgresTokenStore(PostgresConfig config, FieldCipher cipher) {
        this.config = config;
        this.records = new SealedRecords(cipher, config.encryptionOff, config.displayUrl);
        this.connections = new PgConnections(config);
        this.outage = new Outage(config.displayUrl);
    }

    /** The store {@code location} names; reads the key file now (a missing or bad one is said at once). */
    public static TokenStore open(StoreLocation location, Settings settings, Duration lockTimeout) {
        PostgresConfig config = PostgresConfig.from(location, settings, System.getenv(), lockTimeout);
        FieldCipher cipher = config.keyFile == null ? null : new FieldCipher(StoreKeys.read(config.keyFile));
        return new PostgresTokenStore(config, cipher);
    }

    @Override
    public String location() {
        return config.displayUrl;
    }

    @Override
    public String kind() {
        return "postgresql";
    }

    @Override
    public String protection() {
        return records.protection();
    }

    @Override
    public boolean remote() {
        return true;
    }

    /** Every entry the key can open; a row it cannot open is left out, said once (ERROR), and never overwritten. */
    @Override
    public StoreContents read() {
        return withConnection((c, progress) -> {
            List<TokenRecord> list = new ArrayList<>();
            long max = 0;
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT id, version, record FROM mcp_refresh_entries ORDER BY id")) {
                while (rs.next()) {
                    max = Math.max(max, rs.getLong(2));
                    try {
                        list.add(records.decode(rs.getString(1), rs.getString(3), false));
                    } catch (StoreException unreadable) {
                        // One row the key cannot open (or that is not valid) leaves the others working: said once;
                        // a write of that entry fails, so nothing overwrites it.
                        if (unreadableSaid.add(unreadable.getMessage())) {
                            Log.error(unreadable.getMessage());
                        }
                    }
                }
            }
            noteVersion(list.size() + "/" + max);
            return StoreContents.of(list);
        });
    }

    /**
     * The store's version as last learned (row count and highest row version: every write draws a new version from
     * a sequence). Asks the database again on an agent thread when that is older than a few seconds; never on the
     * caller's.
     */
    @Override
    public Object version() {
        if (System.currentTimeMillis() - lastVersionMillis >= VERSION_POLL_MILLIS && polling.compareAndSet(false, true)) {
            try {
                poller().execute(this::pollVersion);
            } catch (RejectedExecutionException e) {
                polling.set(false);
            }
        }
        return lastVersion;
    }

    private void pollVersion() {
        try {
            withConnection((c, progress) -> {
                try (Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery(
                             "SELECT count(*), coalesce(max(version), 0) FROM mcp_refresh_entries")) {
                    rs.next();
                    noteVersion(rs.getLong(1) + "/" + rs.getLong(2));
                }
                return null;
            });
        } catch (RuntimeException e) {
            lastVersionMillis = System.currentTimeMillis(); // the outage is said by Outage; ask again later
        } finally {
            polling.set(false);
        }
    }

    private void noteVersion(String v) {
        lastVersion = v;
        lastVersionMillis = System.currentTimeMillis();
    }

    private ExecutorService poller() {
        ExecutorService p = poller;
        if (p == null) {
            synchronized (this) {
                p = poller;
                if (p == null) {
                    ThreadPoolExecutor t = new ThreadPoolExecutor(1, 1, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                            DaemonThreads.factory("store"));
                    t.allowCoreThreadTimeOut(true); // no thread while nothing is asked
                    poller = p = t;
                }
            }
        }
        return p;
    }

    @Override
    public <T> T update(Function<StoreContents, T> action) {
        return transaction(null, false, action);
    }

    @Override
    public <T> T updateEntry(String id, Function<StoreContents, T> action) {
        return transaction(id, false, action);
    }

    /** Every entry written again: sealed under the key file's first key, rows written in clear included. */
    @Override
    public int reseal() {
        records.checkWritable();
        return transaction(null, true, contents -> {
            List<TokenRecord> all = new ArrayList<>(contents.records());
            for (TokenRecord r : all) {
                contents.put(r);
            }
            return all.size();
        });
    }

    /**
     * Locks the entry {@code id}'s row (all rows when null), runs the action, writes its changes, commits.
     * {@code acceptClear}: rows in clear are read even with encryption on (only to seal them).
     */
    private <T> T transaction(String id, boolean acceptClear, Function<StoreContents, T> action) {
        return withConnection((c, progress) -> {
            c.setAutoCommit(false);
            boolean committed = false;
            try {
                try (Statement s = c.createStatement()) {
                    // One round trip: the driver sends both in one exchange.
                    s.execute("SET LOCAL lock_timeout = '" + Math.max(1, config.lockTimeout.toMillis()) + "ms';"
                            + " SET LOCAL idle_in_transaction_session_timeout = '" + config.idleInTransaction.toMillis()
                            + "ms'");
                }
                Map<String, Long> versions = new HashMap<>();
                List<TokenRecord> list = new ArrayList<>();
                try (PreparedStatement q = c.prepareStatement("SELECT id, version, record FROM mcp_refresh_entries"
                        + (id == null ? "" : " WHERE id = ?") + " ORDER BY id FOR UPDATE")) {
                    if (id != null) {
                        q.setString(1, id);
                    }
                    try (ResultSet rs = q.executeQuery()) {
                        while (rs.next()) {
                            list.add(records.decode(rs.getString(1), rs.getString(3), acceptClear));
                            versions.put(rs.getString(1), rs.getLong(2));
                        }
                    }
                }
                StoreContents contents = StoreContents.of(list);
                progress.actionStarted = true; // from here a failure is not retried: the action may have spent a token
                T result = action.apply(contents);
                write(c, contents, versions);
                c.commit();
                committed = true;
                lastVersionMillis = 0; // this JVM's next version() asks again
                return result;
            } finally {
                if (!committed) {
                    rollbackQuietly(c);
                }
                restoreAutoCommit(c);
            }
        });
    }

    /** Each changed entry as one statement, each compared-and-set against the version this transaction read. */
    private void write(Connection c, StoreContents contents, Map<String, Long> versions) throws SQLException {
        for (String changed : contents.changedIds()) {
            TokenRecord r = contents.get(changed);
            Long read = versions.get(changed);
            int rows;
            if (r == null) {
                if (read == null) {
                    continue;
                }
                try (PreparedStatement d = c.prepareStatement(
                        "DELETE FROM mcp_refresh_entries WHERE id = ? AND version = ?")) {
                    d.setString(1, changed);
                    d.setLong(2, read);
                    rows = d.executeUpdate();
                }
            } else if (read == null) {
                try (PreparedStatement i = c.prepareStatement("INSERT INTO mcp_refresh_entries (id, server_url,"
                        + " version, record) VALUES (?, ?, nextval('mcp_refresh_entry_version'), ?)")) {
                    i.setString(1, changed);
                    i.setString(2, r.serverUrl());
                    i.setString(3, records.encode(r));
                    rows = i.executeUpdate();
                }
            } else {
                try (PreparedStatement u = c.prepareStatement("UPDATE mcp_refresh_entries SET server_url = ?,"
                        + " record = ?, version = nextval('mcp_refresh_entry_version'), updated_at = now()"
                        + " WHERE id = ? AND version = ?")) {
                    u.setString(1, r.serverUrl());
                    u.setString(2, records.encode(r));
                    u.setString(3, changed);
                    u.setLong(4, read);
                    rows = u.executeUpdate();
                }
            }
            if (rows != 1) {
                // The row lock makes this impossible for writers that take it: a fence against any that did not.
                throw new StoreException("the entry " + changed + " of the token store " + config.displayUrl
                        + " changed while this process held its lock; nothing was written");
            }
        }
    }

    /** Refuses before the token request when nothing could be written; loads the sealing classes once. */
    @Override
    public void warmUpWriter() {
        records.checkWritable();
        records.warmUp();
    }

    /**
     * One operation on a connection: the schema made on first use, driver errors as one clear line. A kept
     * connection that fails before the operation did anything (the database restarted since) is replaced by a new
     * one once, without an outage.
     */
    private <T> T withConnection(SqlWork<T> work) {
        outage.check();
        Progress progress = new Progress();
        Connection c = connections.takeKept();
        boolean kept = c != null;
        while (true) {
            boolean healthy = false;
            try {
                if (c == null) {
                    c = connections.open();
                }
                if (!schemaReady) {
                    Schema.ensure(c, config.displayUrl);
                    warmUpCommit(c);
                    schemaReady = true;
                }
                T result = work.run(c, progress);
                healthy = true;
                outage.ok();
                return result;
            } catch (SQLException e) {
                StoreException s = SqlErrors.translate(e, config);
                if (kept && !progress.actionStarted && s instanceof StoreUnavailableException) {
                    connections.release(c, false);
                    c = null;
                    kept = false;
                    continue; // the kept connection died with the server it came from: try a new one
                }
                if (s instanceof StoreUnavailableException) {
                    outage.failed((StoreUnavailableException) s);
                } else if (SqlErrors.refusal(e)) {
                    outage.refused(s);
                } else {
                    outage.ok(); // reached: an error of this operation, not of the store
                }
                throw s;
            } finally {
                if (c != null) {
                    connections.release(c, healthy);
                }
            }
        }
    }

    /**
     * One empty transaction at first use: the driver's commit path is loaded before a refresh needs it, between the
     * token endpoint's answer and the commit that saves it.
     */
    private static void warmUpCommit(Connection c) throws SQLException {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("SELECT 1");
            c.commit();
        } finally {
            restoreAutoCommit(c);
        }
    }

    /** A connection that cannot be put back into auto-commit is closed: it is not kept for the next operation. */
    private static void restoreAutoCommit(Connection c) {
        try {
            c.setAutoCommit(true);
        } catch (SQLException | RuntimeException e) {
            try {
                c.close();
            } catch (SQLException | RuntimeException ignored) {
                // already gone
            }
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException | RuntimeException ignored) {
            // a lost connection has rolled back on the server already
        }
    }

    @FunctionalInterface
    private interface SqlWork<T> {
        T run(Connection c, Progress progress) throws SQLException;
    }

    /** How far an operation got: once its action ran, a failure is the action's, never retried. */
    private static final class Progress {
        boolean actionStarted;
    }
}
