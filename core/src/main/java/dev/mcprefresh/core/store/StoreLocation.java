package dev.mcprefresh.core.store;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;

/**
 * What {@code mcp.refresh.store} or {@code --store} names: a file path, or a PostgreSQL database as
 * {@code postgresql://HOST[:PORT]/DATABASE[?params]} (or the {@code jdbc:postgresql://} form). Anything shaped like a
 * URL is never taken for a file path: a mistyped URL must not become a file in the working directory.
 */
public final class StoreLocation {
    private static final String PG = "postgresql://";
    private static final String JDBC_PG = "jdbc:postgresql://";

    private final Path file;
    /** The database URL as given, without the jdbc: prefix; null for a file. */
    private final URI database;

    private StoreLocation(Path file, URI database) {
        this.file = file;
        this.database = database;
    }

    /** Reads a setting's value; {@code ~/} is the user's home. Throws IllegalArgumentException with the reason. */
    public static StoreLocation parse(String value) {
        String v = value == null ? "" : value.trim();
        if (v.isEmpty()) {
            throw new IllegalArgumentException("the token store is empty: give a file path or postgresql://HOST/DATABASE");
        }
        String lower = v.toLowerCase(Locale.ROOT);
        if (lower.startsWith(PG) || lower.startsWith(JDBC_PG)) {
            // The driver knows the scheme in lower case only.
            return new StoreLocation(null, database(PG + v.substring(lower.startsWith(JDBC_PG) ? JDBC_PG.length()
                    : PG.length())));
        }
        if (lower.startsWith("postgresql:") || lower.startsWith("jdbc:") || looksLikeUrl(lower)) {
            throw new IllegalArgumentException("the token store '" + shown(v) + "' is neither a file path nor a"
                    + " database URL of the form postgresql://HOST[:PORT]/DATABASE");
        }
        if (v.equals("~") || v.startsWith("~/")) {
            return new StoreLocation(Paths.get(System.getProperty("user.home"), v.substring(1).replaceFirst("^/", "")),
                    null);
        }
        return new StoreLocation(Paths.get(v), null);
    }

    private static boolean looksLikeUrl(String v) {
        int colon = v.indexOf("://");
        if (colon <= 0) {
            return false;
        }
        for (int i = 0; i < colon; i++) {
            char c = v.charAt(i);
            if (!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.') {
                return false;
            }
        }
        return true;
    }

    private static URI database(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("the database URL '" + shown(url) + "' is not a valid URL: "
                    + e.getReason());
        }
        String userInfo = userInfo(uri);
        if (userInfo != null && (userInfo.contains(":") || userInfo.toLowerCase(Locale.ROOT).contains("%3a"))) {
            throw new IllegalArgumentException("the database URL carries a password; it is refused because command"
                    + " lines and settings are readable by others: put the password in a file named by"
                    + " mcp.refresh.store.password.file (MCP_REFRESH_STORE_PASSWORD_FILE), or in PGPASSWORD");
        }
        String query = uri.getRawQuery();
        if (query != null) {
            for (String param : query.split("&")) {
                String name = param.contains("=") ? param.substring(0, param.indexOf('=')) : param;
                String n = name.toLowerCase(Locale.ROOT);
                if (n.equals("password") || n.equals("sslpassword")) {
                    throw new IllegalArgumentException("the database URL carries a " + n + " parameter; it is"
                            + " refused because command lines and settings are readable by others: put the password"
                            + " in a file named by mcp.refresh.store.password.file (MCP_REFRESH_STORE_PASSWORD_FILE),"
                            + " or in PGPASSWORD");
                }
            }
        }
        if (hosts(uri).isEmpty()) {
            throw new IllegalArgumentException("the database URL '" + shown(url) + "' names no host:"
                    + " postgresql://HOST[:PORT]/DATABASE");
        }
        String path = uri.getPath();
        if (path == null || path.length() < 2 || path.indexOf('/', 1) >= 0) {
            throw new IllegalArgumentException("the database URL '" + shown(url) + "' names no database:"
                    + " postgresql://HOST[:PORT]/DATABASE");
        }
        return uri;
    }

    /** The user part, also of a URL whose authority the URI class cannot parse (several hosts, an underscore). */
    private static String userInfo(URI uri) {
        String authority = uri.getRawAuthority();
        if (authority == null) {
            return null;
        }
        int at = authority.lastIndexOf('@');
        return at < 0 ? null : authority.substring(0, at);
    }

    /** The host list ({@code db1:5432,db2:5432} for failover), without the user part. */
    private static String hosts(URI uri) {
        String authority = uri.getRawAuthority();
        if (authority == null) {
            return "";
        }
        return authority.substring(authority.lastIndexOf('@') + 1);
    }

    /** The database user named in the URL, or null. */
    public String databaseUser() {
        String info = database == null ? null : userInfo(database);
        return info == null || info.isEmpty() ? null : java.net.URLDecoder.decode(info,
                java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The URL the driver is given: without the user (a connection property), with the parameters. */
    public String driverUrl() {
        return database == null ? null : PG + hosts(database) + database.getRawPath()
                + (database.getRawQuery() == null ? "" : "?" + database.getRawQuery());
    }

    /** A value that may be a mistyped URL with a password in it is shown only up to its host. */
    private static String shown(String v) {
        int at = v.indexOf('@');
        return at >= 0 ? "…" + v.substring(at) : v;
    }

    public boolean isDatabase() {
        return database != null;
    }

    /** The file store's path; null for a database. */
    public Path file() {
        return file;
    }

    /** The database URL ({@code postgresql://…}, no password is ever in it); null for a file. */
    public URI database() {
        return database;
    }

    /** For messages: the path, or the database URL without its user and parameters (as every URL is logged). */
    @Override
    public String toString() {
        return file != null ? file.toString() : PG + hosts(database) + database.getRawPath();
    }
}
