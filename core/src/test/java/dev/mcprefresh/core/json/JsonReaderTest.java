package dev.mcprefresh.core.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The hand-written parser against jackson-core's, input for input: random documents and their mutations must be
 * accepted or refused alike, and an accepted one must give the same values. Then the writer's round trip and the
 * limits.
 */
class JsonReaderTest {
    private static final long SEED = Long.getLong("fuzz.seed", System.nanoTime());
    private static final JsonFactory JACKSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(JsonReader.MAX_DEPTH)
                    .maxStringLength(JsonReader.MAX_STRING_LENGTH).maxNumberLength(50).build())
            .build();
    private static final String[] FRAGMENTS = {"{", "}", "[", "]", ",", ":", "\"", "\\", "\\u", "null", "true",
        "false", "-", "0", "01", "-0", "1e309", "1E+2", "1.", ".5", "9223372036854775808", "-9223372036854775809",
        "0.5", "\"\\u0000\"", "\"\\ud800\"", "\"\\uD83D\\uDE00\"", "{\"a\":", "[[[[[[[[", " ", "\t", "\r\n", "\u00ff",
        "\u20ac", "\u0001", "\u001b", "/*", "//", "'", "NaN", "Infinity", "tru", "nul", "\"x\":1,",
        // Digits that Character.digit reads but JSON's \\u escape does not: Arabic-Indic, fullwidth; a BOM.
        "\\u\u0660\u0660\u0664\u0661", "\\u00\uff14\uff11", "\\u004\u0661", "\ufeff", "\ud83d\ude00"};

    @Test
    void everyInputIsAcceptedOrRefusedAsJacksonDoesWithTheSameValues() {
        Random random = new Random(SEED);
        int accepted = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] input = mutate(random, document(random, 0).getBytes(StandardCharsets.UTF_8));
            Object ours;
            try {
                ours = JsonReader.parseObject(input);
            } catch (JsonException e) {
                ours = e;
            }
            Object theirs = jackson(input);
            String shown = new String(input, StandardCharsets.UTF_8) + " (seed " + SEED + ", bytes " + java.util.HexFormat.of().formatHex(input) + ")";
            String refusal = theirs instanceof Exception ? String.valueOf(((Exception) theirs).getMessage()) : "";
            if (ours instanceof Map && (refusal.contains("Illegal surrogate character") // a mutation moved an escaped
                    || refusal.contains("Number value length"))) { // pair into a name (see string()); limits differ
                continue;
            }
            if (ours instanceof JsonException && !(theirs instanceof Exception) && !validUtf8(input)) {
                continue; // jackson decodes member names without checking UTF-8 (an overlong C1 A9 passes); we refuse
            }
            if (theirs instanceof Exception) {
                assertTrue(ours instanceof JsonException, "jackson refused (" + theirs + "), we accepted: " + shown);
            } else {
                assertFalse(ours instanceof JsonException, "we refused (" + ours + "), jackson accepted: " + shown);
                assertEquals(theirs, ours, shown);
                if (finite(ours)) { // 1e309 reads as infinity, which JSON cannot write back
                    assertEquals(ours, JsonReader.parseObject(JsonWriter.write(castMap(ours))), "round trip: " + shown);
                }
                accepted++;
            }
        }
        assertTrue(accepted > 2_000, "the mutations must leave enough valid documents: " + accepted);
    }

    @Test
    void limitsAreKeptAndNoMessageQuotesTheInput() {
        String deep = "{\"a\":" + "[".repeat(63) + "]".repeat(63) + "}";
        JsonReader.parseObject(deep.getBytes(StandardCharsets.UTF_8));
        String tooDeep = "{\"a\":" + "[".repeat(64) + "]".repeat(64) + "}";
        assertTrue(assertThrows(JsonException.class, () -> JsonReader.parseObject(
                tooDeep.getBytes(StandardCharsets.UTF_8))).getMessage().contains("nested deeper than 64"));
        String longString = "{\"a\":\"" + "x".repeat(JsonReader.MAX_STRING_LENGTH + 1) + "\"}";
        assertThrows(JsonException.class, () -> JsonReader.parseObject(longString.getBytes(StandardCharsets.UTF_8)));
        assertThrows(JsonException.class, () -> JsonReader.parseObject(
                ("{\"a\":" + "1".repeat(65) + "}").getBytes(StandardCharsets.UTF_8)));
        assertThrows(JsonException.class, () -> JsonReader.parseObject(new byte[] {'{', '"', (byte) 0xC3, '"'}));
        for (String bad : new String[] {"{\"access_token\":\"SECRET-at\" \"x\"}", "{\"SECRET-key\" 1}",
            "{\"a\":SECRET}", "{\"a\":\"SECRET\\q\"}", "{\"a\":1} SECRET", "[\"SECRET\"]", "{\"a\":\"SECRET"}) {
            JsonException e = assertThrows(JsonException.class,
                    () -> JsonReader.parseObject(bad.getBytes(StandardCharsets.UTF_8)), bad);
            assertFalse(e.getMessage().contains("SECRET"), e.getMessage());
        }
        assertEquals("malformed JSON at line 2, column 6", assertThrows(JsonException.class,
                () -> JsonReader.parseObject("{\"a\":1,\n\"b\": x}".getBytes(StandardCharsets.UTF_8))).getMessage());
    }

    @Test
    void unicodeEscapesTakeAsciiHexDigitsOnly() {
        assertEquals(Map.of("a", "A\u00e9"), JsonReader.parseObject(utf8("{\"a\":\"\\u0041\\u00E9\"}")));
        // Character.digit accepts these as hex digits; RFC 8259's HEXDIG is 0-9, a-f, A-F only.
        for (String digits : new String[] {"\u0660\u0660\u0664\u0661", "\uff10\uff10\uff14\uff11", "004\u0661",
            "00\uff21\uff21", "\u0966\u0966\u096a\u0967"}) {
            JsonException e = assertThrows(JsonException.class,
                    () -> JsonReader.parseObject(utf8("{\"SECRET\":\"\\u" + digits + "\"}")), digits);
            assertTrue(e.getMessage().startsWith("malformed JSON at line 1, column 1"), e.getMessage());
            assertFalse(e.getMessage().contains("SECRET") || e.getMessage().contains(digits), "no input quoted");
        }
    }

    @Test
    void aByteOrderMarkIsSkippedAtTheStartOfADocumentOnly() {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        assertEquals(Map.of("a", 1L), Json.parseObject(concat(bom, utf8("{\"a\":1}\n"))), "an editor's BOM");
        assertEquals(Map.of("a", 1L), Json.parseObject(concat(bom, utf8(" \r\n{\"a\":1}"))));
        assertEquals(Map.of("a", "\ufeff"), Json.parseObject(utf8("{\"a\":\"\ufeff\"}")), "inside a string it is text");
        for (String bad : new String[] {" \ufeff{}", "\ufeff\ufeff{}", "{\ufeff}", "{}\ufeff", "{\"a\":\ufeff1}"}) {
            JsonException e = assertThrows(JsonException.class, () -> Json.parseObject(utf8(bad)), bad);
            assertFalse(e.getMessage().contains("\ufeff"), e.getMessage());
        }
        assertThrows(JsonException.class, () -> Json.parseObject(bom), "a BOM alone is no document");
        assertThrows(JsonException.class, () -> Json.parseObject(new byte[] {(byte) 0xEF, (byte) 0xBB, '{', '}'}),
                "half a BOM is not UTF-8");
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void theWriterEscapesWhatJsonRequiresAndKeepsOrder() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("z", "quote \" backslash \\ newline \n tab \t bell \u0007 euro \u20ac lone \ud800 pair \ud83d\ude00");
        m.put("a", List.of(1L, 2.5, true, false, new BigDecimal("123456789012345678901234567890")));
        m.put("e", Map.of());
        m.put("n", null);
        byte[] written = JsonWriter.write(m);
        String text = new String(written, StandardCharsets.UTF_8);
        assertTrue(text.startsWith("{\n  \"z\" : "), text);
        assertTrue(text.contains("\\u0007") && text.contains("\\ud800") && text.contains("\u20ac"), text);
        assertEquals(m, JsonReader.parseObject(written));
        assertEquals(m, jackson(written), "jackson reads what we write");
    }

    private static boolean finite(Object v) {
        if (v instanceof Double) {
            return Double.isFinite((Double) v);
        }
        if (v instanceof Map) {
            return ((Map<?, ?>) v).values().stream().allMatch(JsonReaderTest::finite);
        }
        if (v instanceof List) {
            return ((List<?>) v).stream().allMatch(JsonReaderTest::finite);
        }
        return true;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object o) {
        return (Map<String, Object>) o;
    }

    private static String document(Random r, int depth) {
        StringBuilder sb = new StringBuilder("{");
        int n = r.nextInt(5);
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ",").append(string(r, false)).append(':').append(value(r, depth + 1));
        }
        return sb.append('}').toString();
    }

    private static String value(Random r, int depth) {
        switch (depth > 6 ? r.nextInt(4) : r.nextInt(6)) {
            case 0: return string(r, true);
            case 1: return new String[] {"0", "-1", "42", "3.25", "-0.5e-3", "1E10", "9223372036854775807",
                "12345678901234567890123", "1e309", "true", "false", "null"}[r.nextInt(12)];
            case 2: return String.valueOf(r.nextLong());
            case 3: return String.valueOf(r.nextDouble() * 1e6);
            case 4: return document(r, depth);
            default:
                StringBuilder sb = new StringBuilder("[");
                int n = r.nextInt(4);
                for (int i = 0; i < n; i++) {
                    sb.append(i == 0 ? "" : ", ").append(value(r, depth + 1));
                }
                return sb.append(']').toString();
        }
    }

    /**
     * {@code surrogates}: whether escaped surrogate pairs may appear; jackson-core refuses them in member names
     * ("Illegal surrogate character"), which RFC 8259 allows and this parser accepts.
     */
    private static String string(Random r, boolean surrogates) {
        String[] parts = {"a", "access_token", " ", "\\n", "\\\"", "\\\\", "\\/", "\\u00e9", "\u00e9",
            "\u20ac", "x y", "\\t", "\\b\\f\\r", "\\uD83D\\uDE00"};
        StringBuilder sb = new StringBuilder("\"");
        int n = r.nextInt(4);
        for (int i = 0; i < n; i++) {
            sb.append(parts[r.nextInt(parts.length - (surrogates ? 0 : 1))]);
        }
        return sb.append('"').toString();
    }

    private static byte[] mutate(Random r, byte[] in) {
        if (r.nextInt(4) == 0) {
            return in; // keep a share unchanged
        }
        StringBuilder s = new StringBuilder(new String(in, StandardCharsets.UTF_8));
        int edits = 1 + r.nextInt(3);
        for (int e = 0; e < edits; e++) {
            int at = s.length() == 0 ? 0 : r.nextInt(s.length());
            switch (r.nextInt(4)) {
                case 0: s.insert(at, FRAGMENTS[r.nextInt(FRAGMENTS.length)]); break;
                case 1: if (s.length() > 0) { s.deleteCharAt(at); } break;
                case 2: s.setLength(at); break;
                default: if (s.length() > 0) { s.setCharAt(at, (char) (32 + r.nextInt(95))); }
            }
        }
        byte[] out = s.toString().getBytes(StandardCharsets.UTF_8);
        if (r.nextInt(20) == 0 && out.length > 0) {
            out[r.nextInt(out.length)] = (byte) (0x80 + r.nextInt(0x80)); // a broken UTF-8 sequence
        }
        return out;
    }

    /** Jackson's reading, as the agent read JSON before: the value, or the exception. */
    private static Object jackson(byte[] input) {
        try (JsonParser p = JACKSON.createParser(input)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return new IllegalArgumentException("not an object");
            }
            Object v = read(p);
            return p.nextToken() == null ? v : new IllegalArgumentException("trailing");
        } catch (Exception e) {
            return e;
        }
    }

    private static Object read(JsonParser p) throws java.io.IOException {
        switch (p.currentToken()) {
            case START_OBJECT:
                Map<String, Object> map = new LinkedHashMap<>();
                while (p.nextToken() != JsonToken.END_OBJECT) {
                    String name = p.currentName();
                    p.nextToken();
                    map.put(name, read(p));
                }
                return map;
            case START_ARRAY:
                List<Object> list = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(read(p));
                }
                return list;
            case VALUE_STRING: return p.getText();
            case VALUE_NUMBER_INT:
                return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? (Object) p.getDecimalValue()
                        : (Object) p.getLongValue();
            case VALUE_NUMBER_FLOAT: return p.getDoubleValue();
            case VALUE_TRUE: return Boolean.TRUE;
            case VALUE_FALSE: return Boolean.FALSE;
            case VALUE_NULL: return null;
            default: throw new IllegalStateException(String.valueOf(p.currentToken()));
        }
    }

    /** Whether the JDK's strict decoder takes these bytes as UTF-8. */
    private static boolean validUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes));
            return true;
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }
}
