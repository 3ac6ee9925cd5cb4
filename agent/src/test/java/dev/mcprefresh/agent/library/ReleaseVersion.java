package dev.mcprefresh.agent.library;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Maven release version ordered as its publishers mean it: numbers numerically ({@code 0.9 < 0.10}), a qualifier
 * before the release it leads to ({@code 1.4.0-beta10 < 1.4.0}), {@code beta9 < beta10}.
 */
record ReleaseVersion(String text) implements Comparable<ReleaseVersion> {
    private static final Pattern TOKEN = Pattern.compile("\\d+|[A-Za-z]+");

    /** Milestones, release candidates and snapshots: not releases a user runs. */
    boolean preview() {
        return text.matches("(?i).*[-.](M\\d+|RC\\d*|SNAPSHOT)$");
    }

    private List<Object> tokens() {
        List<Object> tokens = new ArrayList<>();
        Matcher m = TOKEN.matcher(text);
        while (m.find()) {
            String t = m.group();
            tokens.add(Character.isDigit(t.charAt(0)) ? (Object) Long.valueOf(t) : t.toLowerCase());
        }
        return tokens;
    }

    @Override
    public int compareTo(ReleaseVersion other) {
        List<Object> a = tokens();
        List<Object> b = other.tokens();
        for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
            if (i >= a.size()) {
                return b.get(i) instanceof String ? 1 : -1; // 1.0 > 1.0-beta, 1.0 < 1.0.1
            }
            if (i >= b.size()) {
                return a.get(i) instanceof String ? -1 : 1;
            }
            Object x = a.get(i);
            Object y = b.get(i);
            int c;
            if (x instanceof Long && y instanceof Long) {
                c = Long.compare((Long) x, (Long) y);
            } else if (x instanceof String && y instanceof String) {
                c = ((String) x).compareTo((String) y);
            } else {
                c = x instanceof Long ? 1 : -1; // 1.0.1 > 1.0-beta
            }
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }
}
