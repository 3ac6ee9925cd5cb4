package dev.mcprefresh.core.config;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Resolved settings. Precedence, highest first: agent arguments, {@code -Dmcp.refresh.*} system properties,
 * {@code MCP_REFRESH_*} environment variables, defaults.
 */
public final class Settings {
    private static final String PREFIX = "mcp.refresh.";
    private final Map<Setting, String> values;
    /** The sources, for switches named at run time rather than in {@link Setting} (the libraries'). */
    private final Map<String, String> agentArgs;
    private final Function<String, String> systemProperties;
    private final Map<String, String> env;

    private Settings(Map<Setting, String> values, Map<String, String> agentArgs,
            Function<String, String> systemProperties, Map<String, String> env) {
        this.values = values;
        this.agentArgs = agentArgs;
        this.systemProperties = systemProperties;
        this.env = env;
    }

    /** Reads the live JVM: agent args (may be null), system properties, environment. */
    public static Settings load(String agentArgs) {
        return resolve(parseAgentArgs(agentArgs), new SystemProperties(), System.getenv());
    }

    /** A named class, not {@code System::getProperty}: the first lambda in a JVM costs milliseconds of start-up. */
    private static final class SystemProperties implements Function<String, String> {
        @Override
        public String apply(String key) {
            return System.getProperty(key);
        }
    }

    public static Settings resolve(Map<String, String> agentArgs, Function<String, String> systemProperties,
            Map<String, String> env) {
        Map<Setting, String> resolved = new EnumMap<>(Setting.class);
        for (Setting s : Setting.values()) {
            String v = agentArgs.get(s.shortKey());
            if (v == null) {
                v = agentArgs.get(s.key());
            }
            if (v == null) {
                v = systemProperties.apply(s.key());
            }
            if (v == null) {
                v = env.get(s.envName());
            }
            resolved.put(s, v == null ? s.defaultValue() : v.trim());
        }
        return new Settings(resolved, agentArgs, systemProperties, env);
    }

    /** Agent arguments are {@code key=value} pairs separated by commas (or semicolons), keys with or without prefix. */
    public static Map<String, String> parseAgentArgs(String args) {
        if (args == null || args.isBlank()) {
            return Collections.emptyMap();
        }
        Map<String, String> map = new HashMap<>();
        int from = 0;
        while (from <= args.length()) { // split on ',' or ';' without a regex: premain stays light
            int end = from;
            while (end < args.length() && args.charAt(end) != ',' && args.charAt(end) != ';') {
                end++;
            }
            String pair = args.substring(from, end);
            from = end + 1;
            if (pair.isBlank()) {
                continue; // "a=b," as String.split would read it
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                // Not echoed: a token pasted into the wrong place must not end up in a log.
                throw new IllegalArgumentException("agent argument " + (map.size() + 1) + " ("
                        + pair.trim().length() + " characters) is not key=value");
            }
            map.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return map;
    }

    public String get(Setting s) {
        return values.get(s);
    }

    /**
     * The value of a switch named at run time ({@code library.<name>.enabled}), read with the same precedence as every
     * setting, trimmed; null when it is not set.
     */
    public String switchValue(String shortKey) {
        String v = agentArgs.get(shortKey);
        if (v == null) {
            v = agentArgs.get(PREFIX + shortKey);
        }
        if (v == null) {
            v = systemProperties.apply(PREFIX + shortKey);
        }
        if (v == null) {
            v = env.get(envName(shortKey));
        }
        return v == null ? null : v.trim();
    }

    /** The system property of a switch, e.g. {@code mcp.refresh.library.langchain4j.enabled}. */
    public static String switchName(String shortKey) {
        return PREFIX + shortKey;
    }

    /** The environment variable of a switch, e.g. {@code MCP_REFRESH_LIBRARY_LANGCHAIN4J_ENABLED}. */
    public static String envName(String shortKey) {
        return (PREFIX + shortKey).toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public boolean enabled() {
        return bool(Setting.ENABLED);
    }

    public boolean allowInsecureHttp() {
        return bool(Setting.ALLOW_INSECURE_HTTP);
    }

    /** True for {@code instrument=always}, false for {@code auto}. */
    public boolean instrumentAlways() {
        String v = get(Setting.INSTRUMENT).toLowerCase(Locale.ROOT);
        if (!v.equals("auto") && !v.equals("always")) {
            throw new IllegalArgumentException(Setting.INSTRUMENT.key() + " must be auto or always, not '"
                    + get(Setting.INSTRUMENT) + "'");
        }
        return v.equals("always");
    }

    /** True for {@code identity=strict}; a bad value is read as strict (the caller logs the problem). */
    public boolean identityStrict(java.util.function.Consumer<String> onError) {
        String v = get(Setting.IDENTITY).toLowerCase(Locale.ROOT);
        if (!v.equals("default") && !v.equals("strict")) {
            onError.accept(Setting.IDENTITY.key() + " must be default or strict, not '" + get(Setting.IDENTITY)
                    + "'; using strict");
            return true;
        }
        return v.equals("strict");
    }

    /** {@code keepalive}; a bad value is read as the default, true (the caller logs the problem). */
    public boolean keepAliveOrTrue(java.util.function.Consumer<String> onError) {
        try {
            return bool(Setting.KEEPALIVE);
        } catch (IllegalArgumentException e) {
            onError.accept(e.getMessage() + "; using true");
            return true;
        }
    }

    /** {@code jmx}: "true", "false" or "auto"; a bad value is read as auto (the caller logs the problem). */
    public String jmxMode(java.util.function.Consumer<String> onError) {
        String v = get(Setting.JMX).toLowerCase(Locale.ROOT);
        if (!v.equals("auto") && !v.equals("true") && !v.equals("false")) {
            onError.accept(Setting.JMX.key() + " must be true, false or auto, not '" + get(Setting.JMX)
                    + "'; using auto");
            return "auto";
        }
        return v;
    }

    private boolean bool(Setting s) {
        String v = get(s).toLowerCase(Locale.ROOT);
        if (!v.equals("true") && !v.equals("false")) {
            throw new IllegalArgumentException(s.key() + " must be true or false, not '" + get(s) + "'");
        }
        return v.equals("true");
    }

    /** Where the token store is; IllegalArgumentException saying why for a value that is neither path nor URL. */
    public dev.mcprefresh.core.store.StoreLocation storeLocation() {
        return dev.mcprefresh.core.store.StoreLocation.parse(get(Setting.STORE));
    }

    /** A setting naming a file, with {@code ~/} as the user's home; null when it is not set. */
    public Path file(Setting s) {
        String v = get(s);
        return v == null || v.isEmpty() ? null : expandHome(v);
    }

    public Duration duration(Setting s) {
        String v = get(s);
        try {
            long seconds = Long.parseLong(v);
            if (seconds < 0) {
                throw new NumberFormatException();
            }
            return Duration.ofSeconds(seconds);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(s.key() + " must be a whole number of seconds, not '" + v + "'");
        }
    }

    /** Like {@link #allowInsecureHttp} but false (the caller logs the problem) for a bad value. */
    public boolean allowInsecureHttpOrFalse(java.util.function.Consumer<String> onError) {
        try {
            return allowInsecureHttp();
        } catch (IllegalArgumentException e) {
            onError.accept(e.getMessage() + "; using false");
            return false;
        }
    }

    /** Like {@link #duration} but falls back to the default (the caller logs the problem) for a bad value. */
    public Duration durationOrDefault(Setting s, java.util.function.Consumer<String> onError) {
        try {
            return duration(s);
        } catch (IllegalArgumentException e) {
            onError.accept(e.getMessage() + "; using " + s.defaultValue());
            return Duration.ofSeconds(Long.parseLong(s.defaultValue()));
        }
    }

    static Path expandHome(String path) {
        if (path.equals("~") || path.startsWith("~/")) {
            return Paths.get(System.getProperty("user.home"), path.substring(1).replaceFirst("^/", ""));
        }
        return Paths.get(path);
    }
}
