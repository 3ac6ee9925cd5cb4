package dev.mcprefresh.core.json;

import java.util.List;
import java.util.Map;

/**
 * JSON as plain maps, lists, strings, numbers and booleans ({@link JsonReader}, {@link JsonWriter}).
 * Objects keep their key order, so a rewritten store file keeps the shape (and unknown fields) a person left.
 */
public final class Json {
    private Json() {
    }

    /** Parses a JSON object; any other top-level value, trailing content or malformed text is a {@link JsonException}. */
    public static Map<String, Object> parseObject(byte[] bytes) {
        return JsonReader.parseObject(bytes);
    }

    /** Writes a map as indented JSON. */
    public static byte[] write(Map<String, ?> value) {
        return JsonWriter.write(value);
    }

    /** Writes a map as compact JSON, no whitespace: for a JWT's parts. */
    public static byte[] writeCompact(Map<String, ?> value) {
        return JsonWriter.writeCompact(value);
    }

    /** Typed reads of an optional member; a member of the wrong type is an error, not a silent null. */
    public static String string(Map<String, Object> obj, String name) {
        Object v = obj.get(name);
        if (v == null || v instanceof String) {
            return (String) v;
        }
        throw new JsonException("'" + name + "' must be a string");
    }

    public static Long number(Map<String, Object> obj, String name) {
        Object v = obj.get(name);
        if (v == null) {
            return null;
        }
        if (v instanceof Long) {
            return (Long) v;
        }
        if (v instanceof Double && !((Double) v).isNaN()) {
            return (long) Math.floor((Double) v);
        }
        if (v instanceof String && asciiInteger((String) v)) {
            try {
                return Long.parseLong((String) v); // some servers send expires_in as a string
            } catch (NumberFormatException ignored) {
                // fall through: beyond a long
            }
        }
        throw new JsonException("'" + name + "' must be a number");
    }

    /** A sign and ASCII digits: Long.parseLong alone would also read Arabic-Indic or fullwidth digits. */
    private static boolean asciiInteger(String s) {
        int start = !s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+') ? 1 : 0;
        if (s.length() == start) {
            return false;
        }
        for (int i = start; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> object(Map<String, Object> obj, String name) {
        Object v = obj.get(name);
        if (v == null || v instanceof Map) {
            return (Map<String, Object>) v;
        }
        throw new JsonException("'" + name + "' must be an object");
    }

    public static boolean bool(Map<String, Object> obj, String name) {
        Object v = obj.get(name);
        if (v == null || v instanceof Boolean) {
            return Boolean.TRUE.equals(v);
        }
        throw new JsonException("'" + name + "' must be true or false");
    }

    @SuppressWarnings("unchecked")
    public static List<Object> array(Map<String, Object> obj, String name) {
        Object v = obj.get(name);
        if (v == null || v instanceof List) {
            return (List<Object>) v;
        }
        throw new JsonException("'" + name + "' must be an array");
    }
}
