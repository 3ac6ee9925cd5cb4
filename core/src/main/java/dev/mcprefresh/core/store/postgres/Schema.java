package dev.mcprefresh.core.store.postgres;

import dev.mcprefresh.core.store.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The store's tables, created on first use from the versioned scripts in the jar ({@code V1__entries.sql}, …).
 * Hosts starting together serialise on a transaction-scoped advisory lock (safe behind pgBouncer's transaction
 * pooling, unlike a session lock); a database already at the latest version costs one query.
 */
final class Schema {
    static final String[] MIGRATIONS = {"V1__entries.sql"};
    static final int LATEST = MIGRATIONS.length;
    /** Any constant: the advisory lock only has to be the same for every mcp-refresh. */
    private static final long MIGRATION_LOCK = 0x6d63_7072_6566_7231L;

    private Schema() {
    }

    /** Brings the database to {@link #LATEST}; refuses one written by a newer mcp-refresh. */
    static void ensure(Connection c, String location) throws SQLException {
        Integer current = currentVersion(c);
        if (current != null && current >= LATEST) {
            if (current > LATEST) {
                throw new StoreException("the token store " + location + " has schema version " + current
                        + ", made by a newer mcp-refresh; this version knows " + LATEST + " and leaves it alone");
            }
            return;
        }
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ")");
            s.execute("CREATE TABLE IF NOT EXISTS mcp_refresh_schema (version integer PRIMARY KEY,"
                    + " applied_at timestamptz NOT NULL DEFAULT now())");
            int at = maxVersion(s);
            for (int v = at + 1; v <= LATEST; v++) {
                s.execute(script(MIGRATIONS[v - 1]));
                s.execute("INSERT INTO mcp_refresh_schema (version) VALUES (" + v + ")");
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    /** Null when the store's tables do not exist yet. */
    private static Integer currentVersion(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT to_regclass('mcp_refresh_schema') IS NOT NULL")) {
            rs.next();
            if (!rs.getBoolean(1)) {
                return null;
            }
            return maxVersion(s);
        }
    }

    private static int maxVersion(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT coalesce(max(version), 0) FROM mcp_refresh_schema")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static String script(String name) {
        try (InputStream in = Schema.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new StoreException("the migration " + name + " is missing from the mcp-refresh jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new StoreException("cannot read the migration " + name + " from the mcp-refresh jar");
        }
    }
}
