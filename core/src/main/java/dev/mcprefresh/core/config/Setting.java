package dev.mcprefresh.core.config;

import java.util.Locale;

/** Every setting the agent and CLI read. The README's settings table lists the same keys. */
public enum Setting {
    ENABLED("enabled", "true", "false turns the agent off: no class is changed"),
    STORE("store", "~/.mcp-refresh/tokens.json", "path of the token store, or postgresql://HOST[:PORT]/DATABASE for a"
            + " store a fleet shares"),
    STORE_USER("store.user", "", "database user of a PostgreSQL store (else PGUSER)"),
    STORE_PASSWORD_FILE("store.password.file", "", "file holding the database password of a PostgreSQL store (else"
            + " PGPASSWORD); a password itself is never a setting"),
    STORE_KEY_FILE("store.key.file", "", "file holding the key that encrypts a PostgreSQL store's secrets: base64 of"
            + " 32 random bytes (openssl rand -base64 32); older keys on later lines are still read"),
    STORE_ENCRYPTION("store.encryption", "aes-256-gcm", "aes-256-gcm: a PostgreSQL store writes secrets only"
            + " encrypted with the key file's key; none: in clear (warned)"),
    LOG_LEVEL("log.level", "info", "error, warn, info or debug"),
    REFRESH_SKEW_SECONDS("refresh.skew.seconds", "60",
            "refresh this long before expiry (capped at a quarter of the token's life)"),
    HTTP_TIMEOUT_SECONDS("http.timeout.seconds", "10", "timeout of each token-endpoint request"),
    LOCK_TIMEOUT_SECONDS("lock.timeout.seconds", "30", "longest wait for the store lock"),
    ALLOW_INSECURE_HTTP("allow.insecure.http", "false",
            "development only: allow plain-HTTP authorization servers off loopback (warned loudly)"),
    INSTRUMENT("instrument", "auto", "auto: watch class loading only when an MCP client library or a nested-jar"
            + " launcher (Spring Boot, Quarkus) is on the class path; always: in every JVM (libraries loaded by the"
            + " app's own class loaders)"),
    IDENTITY("identity", "default", "default: an app's opaque token the store does not know is sent as the"
            + " server's only stored identity; strict: such requests are left as the app built them"),
    KEEPALIVE("keepalive", "true", "true: while a transport is open, refresh an idle grant before its refresh"
            + " token's idle lifetime ends; false: refresh only when requests need it"),
    JMX("jmx", "auto", "auto: one MBean per store entry (dev.mcprefresh:type=Credentials) when the JVM already"
            + " runs the platform MBean server; true: always; false: never");

    private final String key;
    private final String defaultValue;
    private final String description;

    Setting(String suffix, String defaultValue, String description) {
        this.key = "mcp.refresh." + suffix;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    /** The system-property name, e.g. {@code mcp.refresh.log.level}. */
    public String key() {
        return key;
    }

    /** The key without the {@code mcp.refresh.} prefix, as used in agent arguments. */
    public String shortKey() {
        return key.substring("mcp.refresh.".length());
    }

    /** The environment variable, e.g. {@code MCP_REFRESH_LOG_LEVEL}. */
    public String envName() {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }
}
