package dev.mcprefresh.core.store.postgres;

import dev.mcprefresh.core.store.StoreException;
import dev.mcprefresh.core.store.StoreUnavailableException;
import java.io.IOException;
import java.sql.SQLException;

/**
 * A driver failure as the one line an operator reads: unreachable (retried later) or a cause to fix (wrong password,
 * missing right, lock timeout). Server error details, which may quote row data, are never asked for
 * ({@code logServerErrorDetail=false}); messages are cut to their first line.
 */
final class SqlErrors {
    private SqlErrors() {
    }

    /** A refusal that will not change by itself: the login or the rights. Not tried again at once. */
    static boolean refusal(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        return state.equals("28P01") || state.equals("28000") || state.equals("3D000") || state.equals("42501");
    }

    static StoreException translate(SQLException e, PostgresConfig config) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String store = "the token store " + config.displayUrl;
        if (String.valueOf(e.getMessage()).contains("query_wait_timeout")) {
            // pgBouncer gave up waiting for a free server connection: the database is there, the pool is too small.
            return new StoreException(store + ": the connection pooler found no free server connection in time"
                    + " (query_wait_timeout); its pool must hold one connection per host that refreshes or waits at"
                    + " once");
        }
        if (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")
                || e.getCause() instanceof IOException) {
            return new StoreUnavailableException(store + " is unreachable (" + brief(e) + ")");
        }
        switch (state) {
            case "28P01":
                return new StoreException(store + " refused the password of database user '" + config.user + "' (from "
                        + config.passwordSource() + ")");
            case "28000":
                return new StoreException(store + " refused database user '" + config.user + "': " + brief(e));
            case "3D000":
                return new StoreException(store + " names a database that does not exist: " + brief(e));
            case "42501":
                return new StoreException("database user '" + config.user + "' lacks a right " + store + " needs ("
                        + brief(e) + "); the README's Fleet section lists the grants");
            case "55P03":
                return new StoreException("timed out after " + config.lockTimeout.toSeconds() + " s waiting for a"
                        + " row lock of " + store + " (another host holds it)");
            case "23505":
                return new StoreException("another process added the same entry to " + store + " at the same time;"
                        + " nothing was written: run the command again");
            default:
                return new StoreException(store + ": " + brief(e) + (state.isEmpty() ? "" : " (SQLState " + state + ")"));
        }
    }

    private static String brief(SQLException e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        if (nl >= 0) {
            m = m.substring(0, nl);
        }
        return m.length() > 200 ? m.substring(0, 200) + "…" : m;
    }
}
