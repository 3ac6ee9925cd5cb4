package dev.mcprefresh.core.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON as plain maps, lists, strings, numbers and booleans, on jackson-core's streaming API.
 * Objects keep their key order, so a rewritten store file keeps the shape (and unknown fields) a person left.
 */
public final class Json {
    private static final int MAX_DEPTH = 64;
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH)
                    .maxStringLength(1 << 20).maxNumberLength(64).build())
            .build();

    private Json() {
    }

    /** Parses a JSON object; any other top-level value, trailing content or malformed text is a {@link JsonException}. */
    public static Map<String, Object> parseObject(byte[] bytes) {
        try (JsonParser p = FACTORY.createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new JsonException("expected a JSON object");
            }
            Map<String, Object> value = readObject(p);
            if (p.nextToken() != null) {
                throw new JsonException("unexpected content after the JSON object");
            }
            return value;
        } catch (JsonException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // Jackson's messages quote the offending input, which may be a token: keep only the location.
            throw new JsonException("malformed JSON" + location(e));
        }
    }

    private static String location(Exception e) {
        if (e instanceof com.fasterxml.jackson.core.JsonProcessingException) {
            com.fasterxml.jackson.core.JsonLocation loc = ((com.fasterxml.jackson.core.JsonProcessingException) e)
                    .getLocation();
            if (loc != null) {
                return " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
            }
        }
        return "";
    }

    private static Map<String, Object> readObject(JsonParser p) throws IOException {
        Map<String, Object> map = new LinkedHashMap<>();
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_OBJECT) {
            if (t != JsonToken.FIELD_NAME) {
                throw new JsonException("malformed JSON object");
            }
            String name = p.currentName();
            p.nextToken();
            map.put(name, readValue(p));
        }
        return map;
    }

    private static Object readValue(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == null) {
            throw new JsonException("truncated JSON");
        }
        switch (t) {
            case START_OBJECT:
                return readObject(p);
            case START_ARRAY:
                List<Object> list = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(readValue(p));
                }
                return list;
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
                return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? (Object) p.getDecimalValue()
                        : (Object) p.getLongValue();
            case VALUE_NUMBER_FLOAT:
                return p.getDoubleValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw new JsonException("unexpected JSON token " + t);
        }
    }

    /** Writes a map as indented JSON. */
    public static byte[] write(Map<String, ?> value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.useDefaultPrettyPrinter();
            writeValue(g, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.write('\n');
        return out.toByteArray();
    }

    private static void writeValue(JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof Map) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                writeValue(g, e.getValue());
            }
            g.writeEndObject();
        } else if (v instanceof List) {
            g.writeStartArray();
            for (Object o : (List<?>) v) {
                writeValue(g, o);
            }
            g.writeEndArray();
        } else if (v instanceof String) {
            g.writeString((String) v);
        } else if (v instanceof Boolean) {
            g.writeBoolean((Boolean) v);
        } else if (v instanceof Long || v instanceof Integer) {
            g.writeNumber(((Number) v).longValue());
        } else if (v instanceof Number) {
            g.writeNumber(v.toString());
        } else {
            throw new IllegalArgumentException("not a JSON value: " + v.getClass().getName());
        }
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
        if (v instanceof String) {
            try {
                return Long.parseLong((String) v); // some servers send expires_in as a string
            } catch (NumberFormatException ignored) {
                // fall through
            }
        }
        throw new JsonException("'" + name + "' must be a number");
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
