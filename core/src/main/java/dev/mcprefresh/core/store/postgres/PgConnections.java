package dev.mcprefresh.core.store.postgres;

import dev.mcprefresh.core.store.StoreException;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Connections to the store's database through the relocated PostgreSQL driver: one kept idle between operations
 * (an operation is rare: a read when the store changed, one transaction per refresh), checked when it sat idle for
 * a while (a database restart leaves it dead; the store also retries once on a new one), others opened and closed as
 * needed. The driver is taken out of
 * {@link java.sql.DriverManager} as soon as it is loaded: the app's own JDBC lookups never meet it.
 */
final class PgConnections {
    private static final long CHECK_IDLE_AFTER_MILLIS = 5_000;
    private static final Object DRIVER_LOCK = new Object();
    private static volatile Driver driver;
    private static Logger driverLogger;

    private final PostgresConfig config;
    private Connection idle;
    private long idleSinceMillis;

    PgConnections(PostgresConfig config) {
        this.config = config;
    }

    /** The connection kept from the last operation, or null; one kept a while is checked first. */
    Connection takeKept() {
        Connection c;
        long since;
        synchronized (this) {
            c = idle;
            since = idleSinceMillis;
            idle = null;
        }
        if (c == null) {
            return null;
        }
        try {
            if (!c.isClosed() && (System.currentTimeMillis() - since < CHECK_IDLE_AFTER_MILLIS || c.isValid(2))) {
                return c;
            }
        } catch (SQLException | RuntimeException e) {
            // not usable: a new one is opened
        }
        closeQuietly(c);
        return null;
    }

    Connection open() throws SQLException {
        Connection fresh = driver().connect(config.jdbcUrl, config.connectionProperties());
        if (fresh == null) {
            throw new StoreException("the PostgreSQL driver does not accept the store URL " + config.displayUrl);
        }
        return fresh;
    }

    /** Gives a connection back: kept for the next operation when it is healthy and none is kept yet. */
    void release(Connection c, boolean healthy) {
        if (c == null) {
            return;
        }
        if (healthy) {
            synchronized (this) {
                if (idle == null) {
                    idle = c;
                    idleSinceMillis = System.currentTimeMillis();
                    return;
                }
            }
        }
        closeQuietly(c);
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException | RuntimeException ignored) {
            // a dead connection has nothing to release
        }
    }

    private static Driver driver() throws SQLException {
        Driver d = driver;
        if (d == null) {
            synchronized (DRIVER_LOCK) {
                d = driver;
                if (d == null) {
                    // The driver logs through java.util.logging under its (relocated) package; at FINEST it prints
                    // row and parameter values, so the app's logging configuration must never turn it on.
                    Logger quiet = Logger.getLogger(org.postgresql.Driver.class.getPackage().getName());
                    quiet.setLevel(Level.OFF);
                    quiet.setUseParentHandlers(false);
                    driverLogger = quiet; // held: a logger only weakly referenced could be collected with its level
                    d = new org.postgresql.Driver(); // its static initialiser registers it with DriverManager
                    if (org.postgresql.Driver.isRegistered()) {
                        org.postgresql.Driver.deregister();
                    }
                    driver = d;
                }
            }
        }
        return d;
    }
}
