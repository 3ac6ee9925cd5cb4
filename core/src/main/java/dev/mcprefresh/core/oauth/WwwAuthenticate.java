package dev.mcprefresh.core.oauth;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * WWW-Authenticate challenges (RFC 9110 section 11.6.1): {@code scheme param="value", param=token, Other ...}.
 * The header comes from a server that may be broken or hostile, so the parser never throws, reads at most
 * {@link #MAX_LENGTH} characters, keeps a bounded number of challenges and parameters, and skips what it cannot read.
 */
public final class WwwAuthenticate {
    static final int MAX_LENGTH = 8192;
    private static final int MAX_CHALLENGES = 16;
    private static final int MAX_PARAMS = 32;

    /** One challenge: its scheme, lower-cased, and its parameters (names lower-cased, the first of a name wins). */
    public static final class Challenge {
        private final String scheme;
        private final Map<String, String> params = new LinkedHashMap<>();

        Challenge(String scheme) {
            this.scheme = scheme;
        }

        public String scheme() {
            return scheme;
        }

        public String param(String name) {
            return params.get(name.toLowerCase(Locale.ROOT));
        }

        public Map<String, String> params() {
            return Collections.unmodifiableMap(params);
        }
    }

    private final String s;
    private int pos;

    private WwwAuthenticate(String header) {
        this.s = header.length() > MAX_LENGTH ? header.substring(0, MAX_LENGTH) : header;
    }

    /** Every challenge of every header value, in order. */
    public static List<Challenge> parse(List<String> headerValues) {
        List<Challenge> out = new ArrayList<>();
        for (String value : headerValues) {
            if (value != null && out.size() < MAX_CHALLENGES) {
                new WwwAuthenticate(value).readInto(out);
            }
        }
        return out;
    }

    /** A parameter of the first challenge of {@code scheme} (any scheme when null) that has it, or null. */
    public static String param(List<String> headerValues, String scheme, String name) {
        for (Challenge c : parse(headerValues)) {
            if ((scheme == null || c.scheme.equals(scheme.toLowerCase(Locale.ROOT))) && c.param(name) != null) {
                return c.param(name);
            }
        }
        return null;
    }

    private void readInto(List<Challenge> out) {
        Challenge current = null;
        while (pos < s.length() && out.size() <= MAX_CHALLENGES) {
            skipSeparators();
            String token = token();
            if (token.isEmpty()) {
                pos++; // a character no grammar rule allows here: skip it
                continue;
            }
            skipSpaces();
            if (current != null && peek() == '=' && !isToken68Tail()) {
                pos++;
                skipSpaces();
                String value = peek() == '"' ? quoted() : token();
                if (current.params.size() < MAX_PARAMS) {
                    current.params.putIfAbsent(token.toLowerCase(Locale.ROOT), value);
                }
                continue;
            }
            if (out.size() == MAX_CHALLENGES) {
                return;
            }
            current = new Challenge(token.toLowerCase(Locale.ROOT));
            out.add(current);
            skipToken68();
        }
    }

    /** {@code scheme abc==}: a token68 credential after the scheme, which carries no parameters we use. */
    private void skipToken68() {
        int save = pos;
        String t = token();
        if (t.isEmpty()) {
            return;
        }
        while (peek() == '=') {
            pos++;
        }
        skipSpaces();
        if (pos >= s.length() || peek() == ',') {
            return; // a bare token (or token68): consumed
        }
        pos = save; // "name=value": the first parameter of this challenge
    }

    /** After {@code token}, an '=' followed by more '=' or the end of the item is the tail of a token68. */
    private boolean isToken68Tail() {
        int i = pos;
        while (i < s.length() && s.charAt(i) == '=') {
            i++;
        }
        if (i - pos > 1) {
            return true;
        }
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
            i++;
        }
        return i >= s.length() || s.charAt(i) == ',';
    }

    private String token() {
        int start = pos;
        while (pos < s.length() && isTokenChar(s.charAt(pos))) {
            pos++;
        }
        return s.substring(start, pos);
    }

    private String quoted() {
        pos++; // opening quote
        StringBuilder b = new StringBuilder();
        while (pos < s.length()) {
            char c = s.charAt(pos++);
            if (c == '"') {
                return b.toString();
            }
            if (c == '\\' && pos < s.length()) {
                c = s.charAt(pos++);
            }
            b.append(c);
        }
        return b.toString(); // unterminated: what there was
    }

    private void skipSeparators() {
        while (pos < s.length() && (s.charAt(pos) == ',' || s.charAt(pos) == ' ' || s.charAt(pos) == '\t')) {
            pos++;
        }
    }

    private void skipSpaces() {
        while (pos < s.length() && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t')) {
            pos++;
        }
    }

    private char peek() {
        return pos < s.length() ? s.charAt(pos) : 0;
    }

    /** RFC 9110 tchar, plus '/' so that a token68 such as base64 reads as one piece. */
    private static boolean isTokenChar(char c) {
        if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
            return true;
        }
        return "!#$%&'*+-.^_`|~/".indexOf(c) >= 0;
    }
}
