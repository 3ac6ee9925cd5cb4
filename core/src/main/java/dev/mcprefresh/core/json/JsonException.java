package dev.mcprefresh.core.json;

/** Malformed or unexpected JSON. Messages never quote the input (it may hold secrets). */
public final class JsonException extends RuntimeException {
    public JsonException(String message) {
        super(message);
    }
}
