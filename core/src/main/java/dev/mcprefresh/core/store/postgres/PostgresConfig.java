package dev.mcprefresh.core.store.postgres;

import dev.mcprefresh.core.config.Setting;
import dev.mcprefresh.core.config.Settings;
import dev.mcprefresh.core.store.StoreException;
import dev.mcprefresh.core.store.StoreLocation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * How to reach a PostgreSQL store and what protects its secrets: the URL, the user ({@code store.user}, the URL's,
 * {@code PGUSER}), where the password comes from ({@code store.password.file}, else {@code PGPASSWORD}; never a
 * setting's value), the key file and the encryption mode. Holds no password: it is read from its file per connection.
 */
final class PostgresConfig {
    static final String ENCRYPTION_GCM = "aes-256-gcm";
    static final String ENCRYPTION_NONE = "none";

    final String displayUrl;
    final String jdbcUrl;
    final String user;
    final Path passwordFile;
    /** PGPASSWORD, when no password file is set; from the environment, never from a command line. */
    private final String environmentPassword;
    final Path keyFile;
    final boolean encryptionOff;
    final Duration lockTimeout;
    final Duration connectTimeout;
    /** The token request a refresh makes while it holds its row: the server may end a transaction idle longer. */
    final Duration idleInTransaction;

    private PostgresConfig(String displayUrl, String jdbcUrl, String user, Path passwordFile, String environmentPassword,
            Path keyFile, boolean encryptionOff, Duration lockTimeout, Duration connectTimeout, Duration httpTimeout) {
        this.displayUrl = displayUrl;
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.passwordFile = passwordFile;
        this.environmentPassword = environmentPassword;
        this.keyFile = keyFile;
        this.encryptionOff = encryptionOff;
        this.lockTimeout = lockTimeout;
        this.connectTimeout = connectTimeout;
        // A host that froze or lost its network mid-refresh must not hold the row for hours (until TCP gives up):
        // the server ends its transaction once it sat idle longer than a token request can take.
        this.idleInTransaction = httpTimeout.multipliedBy(2).plusSeconds(5);
    }

    static PostgresConfig from(StoreLocation location, Settings settings, Map<String, String> env,
            Duration lockTimeout) {
        String urlUser = location.databaseUser();
        String user = settings.get(Setting.STORE_USER);
        if (user == null || user.isEmpty()) {
            user = urlUser != null && !urlUser.isEmpty() ? urlUser : env.get("PGUSER");
        }
        if (user == null || user.isEmpty()) {
            user = System.getProperty("user.name"); // as libpq does
        }
        String encryption = settings.get(Setting.STORE_ENCRYPTION).toLowerCase(Locale.ROOT);
        if (!encryption.equals(ENCRYPTION_GCM) && !encryption.equals(ENCRYPTION_NONE)) {
            throw new IllegalArgumentException(Setting.STORE_ENCRYPTION.key() + " must be " + ENCRYPTION_GCM + " or "
                    + ENCRYPTION_NONE + ", not '" + settings.get(Setting.STORE_ENCRYPTION) + "'");
        }
        String query = location.database().getRawQuery();
        if (query != null && query.toLowerCase(Locale.ROOT).matches("(^|.*&)(preparethreshold|preferquerymode)=.*")) {
            // Named server-side statements do not survive pgBouncer's transaction pooling: the store decides.
            throw new IllegalArgumentException("the store URL sets prepareThreshold or preferQueryMode, which the"
                    + " PostgreSQL store sets itself (no named statements, so it works behind pgBouncer); remove it");
        }
        Path passwordFile = settings.file(Setting.STORE_PASSWORD_FILE);
        Duration http = settings.durationOrDefault(Setting.HTTP_TIMEOUT_SECONDS, m -> { });
        return new PostgresConfig(location.toString(), "jdbc:" + location.driverUrl(), user, passwordFile,
                passwordFile == null ? env.get("PGPASSWORD") : null, settings.file(Setting.STORE_KEY_FILE),
                encryption.equals(ENCRYPTION_NONE), lockTimeout, Duration.ofSeconds(5), http);
    }

    /** The connection properties; the password read now, so a rotated password file is taken up without a restart. */
    Properties connectionProperties() {
        Properties p = new Properties();
        p.setProperty("user", user);
        String password = password();
        if (password != null) {
            p.setProperty("password", password);
        }
        p.setProperty("ApplicationName", "mcp-refresh");
        p.setProperty("connectTimeout", Long.toString(connectTimeout.toSeconds()));
        p.setProperty("loginTimeout", Long.toString(connectTimeout.toSeconds() * 2));
        // A refresh holds its transaction open across one token request; the socket outlives the lock wait and that.
        p.setProperty("socketTimeout", Long.toString(lockTimeout.toSeconds() + 60));
        p.setProperty("tcpKeepAlive", "true");
        // No named server-side statements: they do not survive pgBouncer's transaction pooling.
        p.setProperty("prepareThreshold", "0");
        // Server error details may quote row data (sealed or not): messages carry the first line only.
        p.setProperty("logServerErrorDetail", "false");
        return p;
    }

    private String password() {
        if (passwordFile == null) {
            return environmentPassword;
        }
        try {
            String s = new String(Files.readAllBytes(passwordFile), StandardCharsets.UTF_8);
            int end = s.length();
            while (end > 0 && (s.charAt(end - 1) == '\n' || s.charAt(end - 1) == '\r')) {
                end--;
            }
            return s.substring(0, end);
        } catch (IOException e) {
            throw new StoreException("cannot read the database password file " + passwordFile + " ("
                    + e.getClass().getSimpleName() + "), named by " + Setting.STORE_PASSWORD_FILE.key());
        }
    }

    /** Where the password comes from, for messages: never the password. */
    String passwordSource() {
        return passwordFile != null ? "the password file " + passwordFile
                : environmentPassword != null ? "PGPASSWORD" : "no password (set " + Setting.STORE_PASSWORD_FILE.key() + ")";
    }
}
