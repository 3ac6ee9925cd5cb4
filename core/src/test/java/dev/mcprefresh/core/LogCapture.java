package dev.mcprefresh.core;

import dev.mcprefresh.core.log.Log;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/** Captures the agent's log lines at a level for the length of a test; close() restores stderr and info. */
public final class LogCapture implements AutoCloseable {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    public LogCapture(Log.Level level) {
        Log.setLevel(level);
        Log.setOutput(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    }

    public String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    public List<String> lines() {
        String t = text();
        return t.isEmpty() ? List.of() : Arrays.asList(t.split("\n"));
    }

    /** Lines at {@code level} (ERROR, WARN, INFO, DEBUG). */
    public List<String> lines(String level) {
        return lines().stream().filter(l -> l.startsWith("[mcp-refresh] " + level + " ")).toList();
    }

    @Override
    public void close() {
        Log.setOutput(System.err);
        Log.setLevel(Log.Level.INFO);
    }
}
