package dev.mcprefresh.core.log;

/**
 * Text a server chose (error codes, scopes, token types, header values) before it reaches a log line or the
 * terminal: printable ASCII only, so it cannot forge log lines or send terminal escapes, and bounded in length.
 */
public final class ServerText {
    private static final int MAX = 200;

    private ServerText() {
    }

    public static String safe(String s) {
        if (s == null) {
            return null;
        }
        int n = Math.min(s.length(), MAX);
        StringBuilder b = new StringBuilder(n + 3);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c <= 0x7E ? c : '?');
        }
        if (s.length() > MAX) {
            b.append("...");
        }
        return b.toString();
    }
}
