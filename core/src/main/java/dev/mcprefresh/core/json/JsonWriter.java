package dev.mcprefresh.core.json;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Writes maps, lists, strings, numbers, booleans and null as JSON, UTF-8: indented (two spaces, ending in a newline)
 * for files people read, or compact for what goes inside a token (a JWT's header and claims).
 */
final class JsonWriter {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final StringBuilder out = new StringBuilder(1024);
    private final boolean pretty;

    private JsonWriter(boolean pretty) {
        this.pretty = pretty;
    }

    static byte[] write(Map<String, ?> value) {
        JsonWriter w = new JsonWriter(true);
        w.value(value, 0);
        w.out.append('\n');
        return w.out.toString().getBytes(StandardCharsets.UTF_8);
    }

    static byte[] writeCompact(Map<String, ?> value) {
        JsonWriter w = new JsonWriter(false);
        w.value(value, 0);
        return w.out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private void value(Object v, int indent) {
        if (v == null) {
            out.append("null");
        } else if (v instanceof Map) {
            Map<?, ?> map = (Map<?, ?>) v;
            if (map.isEmpty()) {
                out.append(pretty ? "{ }" : "{}");
                return;
            }
            out.append('{');
            String sep = pretty ? "\n" : "";
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.append(sep);
                newLine(indent + 1);
                string(String.valueOf(e.getKey()));
                out.append(pretty ? " : " : ":");
                value(e.getValue(), indent + 1);
                sep = pretty ? ",\n" : ",";
            }
            if (pretty) {
                out.append('\n');
            }
            newLine(indent);
            out.append('}');
        } else if (v instanceof List) {
            out.append(pretty ? "[ " : "[");
            String sep = "";
            for (Object o : (List<?>) v) {
                out.append(sep);
                value(o, indent);
                sep = pretty ? ", " : ",";
            }
            out.append(((List<?>) v).isEmpty() || !pretty ? "]" : " ]");
        } else if (v instanceof String) {
            string((String) v);
        } else if (v instanceof Boolean || v instanceof Long || v instanceof Integer) {
            out.append(v);
        } else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            out.append(Double.isFinite(d) ? String.valueOf(v) : "null"); // JSON has no NaN or infinity
        } else if (v instanceof Number) {
            out.append(v);
        } else {
            throw new IllegalArgumentException("not a JSON value: " + v.getClass().getName());
        }
    }

    private void newLine(int indent) {
        for (int i = 0; pretty && i < indent; i++) {
            out.append("  ");
        }
    }

    private void string(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': out.append("\\\""); break;
                case '\\': out.append("\\\\"); break;
                case '\n': out.append("\\n"); break;
                case '\r': out.append("\\r"); break;
                case '\t': out.append("\\t"); break;
                case '\b': out.append("\\b"); break;
                case '\f': out.append("\\f"); break;
                default:
                    if (c < 0x20 || Character.isSurrogate(c) && !wellPaired(s, i)) {
                        // Control characters must be escaped; a lone surrogate would not survive UTF-8 otherwise.
                        out.append("\\u").append(HEX[c >> 12 & 0xF]).append(HEX[c >> 8 & 0xF])
                                .append(HEX[c >> 4 & 0xF]).append(HEX[c & 0xF]);
                    } else {
                        out.append(c);
                    }
            }
        }
        out.append('"');
    }

    private static boolean wellPaired(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
