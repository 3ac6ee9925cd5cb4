package dev.mcprefresh.core.log;

import java.util.regex.Pattern;

/** Removes bearer values and token-looking parameters from text that may end up in a log line. */
public final class Redact {
    private static final Pattern BEARER = Pattern.compile("(?i)(bearer\\s+)[A-Za-z0-9._~+/=-]+");
    private static final Pattern PARAM = Pattern.compile(
            "(?i)(\"?(?:access_token|refresh_token|id_token|client_secret|code|code_verifier)\"?\\s*[:=]\\s*\"?)[^\"&,\\s}]+");

    private Redact() {
    }

    public static String text(String value) {
        if (value == null) {
            return null;
        }
        String s = BEARER.matcher(value).replaceAll("$1[redacted]");
        return PARAM.matcher(s).replaceAll("$1[redacted]");
    }
}
