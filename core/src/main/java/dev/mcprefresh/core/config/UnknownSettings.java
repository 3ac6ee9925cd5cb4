package dev.mcprefresh.core.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Keys that look like ours but are not: a typo in {@code -Dmcp.refresh.log.levl=debug} would otherwise be ignored
 * without a word. Each becomes one warning naming the closest known key. Written without lambdas or regex: it runs in
 * premain.
 */
public final class UnknownSettings {
    private static final String PREFIX = "mcp.refresh.";
    private static final String ENV_PREFIX = "MCP_REFRESH_";

    private UnknownSettings() {
    }

    /** {@code internal}: system properties the agent sets itself, never reported. */
    public static List<String> warnings(Map<String, String> agentArgs, Properties systemProperties,
            Map<String, String> env, String internal) {
        return warnings(agentArgs, systemProperties, env, internal, java.util.Set.of());
    }

    /** {@code switches}: the short keys of switches named at run time (the libraries'), known too. */
    public static List<String> warnings(Map<String, String> agentArgs, Properties systemProperties,
            Map<String, String> env, String internal, java.util.Set<String> switches) {
        java.util.Set<String> switchEnv = new java.util.HashSet<>();
        for (String k : switches) {
            switchEnv.add(Settings.envName(k));
        }
        List<String> out = new ArrayList<>();
        for (String key : agentArgs.keySet()) {
            String full = key.startsWith(PREFIX) ? key : PREFIX + key;
            if (find(full) == null && !switches.contains(full.substring(PREFIX.length()))) {
                out.add(message(key, "agent argument", suggestion(full).shortKey()));
            }
        }
        for (String name : systemProperties.stringPropertyNames()) {
            if (name.startsWith(PREFIX) && !name.equals(internal) && find(name) == null
                    && !switches.contains(name.substring(PREFIX.length()))) {
                out.add(message(name, "system property", suggestion(name).key()));
            }
        }
        for (String name : env.keySet()) {
            if (name.startsWith(ENV_PREFIX) && findEnv(name) == null && !switchEnv.contains(name)) {
                out.add(message(name, "environment variable", suggestionEnv(name).envName()));
            }
        }
        return out;
    }

    private static String message(String key, String source, String closest) {
        if (looksSecret(key)) {
            // Its value is never shown. A command line is readable by every user of the machine (ps, /proc).
            return "setting '" + key + "' (" + source + ") looks like a secret and is ignored: mcp-refresh reads no"
                    + " secret from settings" + (source.equals("environment variable") ? ""
                    : ", and a command line is visible to every user of this machine (ps, /proc/<pid>/cmdline)")
                    + (key.toLowerCase(Locale.ROOT).replace('_', '.').contains("store.password")
                            ? "; put the database password in a file named by " + Setting.STORE_PASSWORD_FILE.key()
                                    + " (" + Setting.STORE_PASSWORD_FILE.envName() + "), or in PGPASSWORD"
                            : "; keep tokens and client secrets in the token store: java -jar mcp-refresh.jar login"
                                    + " <mcp-url>, or add <mcp-url> --refresh-token-file F [--client-secret-file F]");
        }
        return "unknown setting '" + key + "' (" + source + ") is ignored; did you mean " + closest + "?";
    }

    private static final String[] SECRET_WORDS = {"token", "secret", "password", "credential", "bearer", "apikey",
        "api.key", "api_key"};

    /** A key naming a token, secret, password or credential: its value must not be shown, and not be on a command line. */
    public static boolean looksSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        for (String word : SECRET_WORDS) {
            if (k.contains(word)) {
                return true;
            }
        }
        return false;
    }

    private static Setting find(String key) {
        for (Setting s : Setting.values()) {
            if (s.key().equals(key)) {
                return s;
            }
        }
        return null;
    }

    private static Setting findEnv(String name) {
        for (Setting s : Setting.values()) {
            if (s.envName().equals(name)) {
                return s;
            }
        }
        return null;
    }

    static Setting suggestion(String key) {
        Setting best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (Setting s : Setting.values()) {
            int d = distance(key.toLowerCase(Locale.ROOT), s.key());
            if (d < bestDistance) {
                best = s;
                bestDistance = d;
            }
        }
        return best;
    }

    private static Setting suggestionEnv(String name) {
        return suggestion(name.toLowerCase(Locale.ROOT).replace('_', '.'));
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] t = previous;
            previous = current;
            current = t;
        }
        return previous[b.length()];
    }
}
