package dev.mcprefresh.core.json;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict RFC 8259 parser into maps (key order kept), lists, strings, longs, BigDecimals (integers beyond a long),
 * doubles, booleans and null. Bounded: nesting depth, string and number length. Errors name a line and column and
 * never quote the input, which may hold a token. Written for this agent instead of using a JSON library: a library's
 * parser costs dozens of classes on the start-up path of every MCP app (BENCHMARKS.md, start-up).
 */
final class JsonReader {
    static final int MAX_DEPTH = 64;
    static final int MAX_STRING_LENGTH = 1 << 20;
    static final int MAX_NUMBER_LENGTH = 64;

    private final char[] in;
    private int pos;
    private int depth;

    private JsonReader(char[] in) {
        this.in = in;
    }

    /**
     * Parses one JSON object filling the whole input (surrounding whitespace allowed, and a UTF-8 byte order mark at
     * the very start, which RFC 8259 section 8.1 lets a parser ignore: editors on Windows save one).
     */
    static Map<String, Object> parseObject(byte[] utf8) {
        JsonReader r = new JsonReader(decode(utf8));
        r.skipWhitespace();
        if (r.pos >= r.in.length || r.in[r.pos] != '{') {
            throw new JsonException("expected a JSON object");
        }
        Map<String, Object> value = r.readObject();
        r.skipWhitespace();
        if (r.pos < r.in.length) {
            throw new JsonException("unexpected content after the JSON object" + r.where());
        }
        return value;
    }

    private static char[] decode(byte[] utf8) {
        int bom = utf8.length >= 3 && utf8[0] == (byte) 0xEF && utf8[1] == (byte) 0xBB && utf8[2] == (byte) 0xBF ? 3 : 0;
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(utf8, bom, utf8.length - bom));
            char[] out = new char[chars.remaining()];
            chars.get(out);
            return out;
        } catch (CharacterCodingException e) {
            throw new JsonException("malformed JSON: not UTF-8");
        }
    }

    private Object readValue() {
        skipWhitespace();
        if (pos >= in.length) {
            throw new JsonException("truncated JSON");
        }
        char c = in[pos];
        switch (c) {
            case '{':
                return readObject();
            case '[':
                return readArray();
            case '"':
                return readString();
            case 't':
                return literal("true", Boolean.TRUE);
            case 'f':
                return literal("false", Boolean.FALSE);
            case 'n':
                return literal("null", null);
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return readNumber();
                }
                throw malformed();
        }
    }

    private Map<String, Object> readObject() {
        enter();
        pos++; // '{'
        Map<String, Object> map = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            depth--;
            return map;
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') {
                throw malformed();
            }
            String name = readString();
            skipWhitespace();
            expect(':');
            map.put(name, readValue()); // a repeated name: the last one wins
            skipWhitespace();
            char c = next();
            if (c == '}') {
                depth--;
                return map;
            }
            if (c != ',') {
                throw malformedBefore();
            }
        }
    }

    private List<Object> readArray() {
        enter();
        pos++; // '['
        List<Object> list = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            depth--;
            return list;
        }
        while (true) {
            list.add(readValue());
            skipWhitespace();
            char c = next();
            if (c == ']') {
                depth--;
                return list;
            }
            if (c != ',') {
                throw malformedBefore();
            }
        }
    }

    private String readString() {
        pos++; // opening quote
        StringBuilder sb = null;
        int start = pos;
        while (true) {
            if (pos >= in.length) {
                throw new JsonException("truncated JSON");
            }
            char c = in[pos];
            if (c == '"') {
                String s = sb == null ? new String(in, start, pos - start) : sb.append(in, start, pos - start).toString();
                pos++;
                return s;
            }
            if (c < 0x20) {
                throw malformed(); // control characters must be escaped
            }
            if (c == '\\') {
                if (sb == null) {
                    sb = new StringBuilder(Math.max(16, (pos - start) * 2));
                }
                sb.append(in, start, pos - start);
                pos++;
                sb.append(escape());
                start = pos;
            } else {
                pos++;
            }
            if (pos - start + (sb == null ? 0 : sb.length()) > MAX_STRING_LENGTH) {
                throw new JsonException("a JSON string is longer than " + MAX_STRING_LENGTH + " characters" + where());
            }
        }
    }

    private char escape() {
        char c = next();
        switch (c) {
            case '"': return '"';
            case '\\': return '\\';
            case '/': return '/';
            case 'b': return '\b';
            case 'f': return '\f';
            case 'n': return '\n';
            case 'r': return '\r';
            case 't': return '\t';
            case 'u':
                int v = 0;
                for (int i = 0; i < 4; i++) {
                    int d = hexDigit(next());
                    if (d < 0) {
                        throw malformedBefore();
                    }
                    v = v << 4 | d;
                }
                return (char) v;
            default:
                throw malformedBefore();
        }
    }

    /** RFC 8259's HEXDIG only: Character.digit would also take Arabic-Indic, fullwidth and other Unicode digits. */
    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private Object readNumber() {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
        } else if (!digits()) {
            throw malformed();
        }
        boolean integer = true;
        if (peek() == '.') {
            pos++;
            integer = false;
            if (!digits()) {
                throw malformed();
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            pos++;
            integer = false;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            if (!digits()) {
                throw malformed();
            }
        }
        if (pos - start > MAX_NUMBER_LENGTH) {
            throw new JsonException("a JSON number is longer than " + MAX_NUMBER_LENGTH + " characters" + where());
        }
        String text = new String(in, start, pos - start);
        if (!integer) {
            return Double.parseDouble(text);
        }
        if (pos - start <= 18) {
            return Long.parseLong(text);
        }
        BigInteger big = new BigInteger(text);
        return big.bitLength() < 64 ? (Object) big.longValue() : (Object) new BigDecimal(big);
    }

    private boolean digits() {
        int start = pos;
        while (pos < in.length && in[pos] >= '0' && in[pos] <= '9') {
            pos++;
        }
        return pos > start;
    }

    private Object literal(String word, Object value) {
        if (in.length - pos < word.length()) {
            throw new JsonException("truncated JSON");
        }
        for (int i = 0; i < word.length(); i++) {
            if (in[pos + i] != word.charAt(i)) {
                throw malformed();
            }
        }
        pos += word.length();
        return value;
    }

    private void enter() {
        if (++depth > MAX_DEPTH) {
            throw new JsonException("JSON nested deeper than " + MAX_DEPTH + " levels" + where());
        }
    }

    private void skipWhitespace() {
        while (pos < in.length) {
            char c = in[pos];
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private char peek() {
        if (pos >= in.length) {
            throw new JsonException("truncated JSON");
        }
        return in[pos];
    }

    private char next() {
        char c = peek();
        pos++;
        return c;
    }

    private void expect(char c) {
        if (next() != c) {
            throw malformedBefore();
        }
    }

    private JsonException malformed() {
        return new JsonException("malformed JSON" + where());
    }

    /** For a character already consumed. */
    private JsonException malformedBefore() {
        pos--;
        return malformed();
    }

    /** " at line L, column C" of the current position (1-based), never the text there. */
    private String where() {
        int line = 1;
        int column = 1;
        for (int i = 0; i < pos && i < in.length; i++) {
            if (in[i] == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return " at line " + line + ", column " + column;
    }
}
