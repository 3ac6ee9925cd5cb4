package dev.mcprefresh.core.log;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The agent's only logger: one line per event on stderr, prefixed {@code [mcp-refresh]}.
 * It never touches java.util.logging or SLF4J, so the host app's logging is initialised exactly as without the agent.
 * Callers must never pass token material; {@link Redact} exists for the few places that mention a secret's shape.
 */
public final class Log {
    public enum Level { ERROR, WARN, INFO, DEBUG }

    private static volatile Level threshold = Level.INFO;
    private static volatile PrintStream out = System.err;

    private Log() {
    }

    /** Parses error|warn|info|debug; anything else is rejected so the caller can report it. */
    public static Level parseLevel(String value) {
        try {
            return Level.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("unknown log level '" + value + "' (use error, warn, info or debug)");
        }
    }

    public static void setLevel(Level level) {
        threshold = level;
    }

    /** For tests that capture output. */
    public static void setOutput(PrintStream stream) {
        out = stream;
    }

    public static boolean enabled(Level level) {
        return level.ordinal() <= threshold.ordinal();
    }

    public static void error(String message) {
        write(Level.ERROR, message, null);
    }

    public static void error(String message, Throwable cause) {
        write(Level.ERROR, message, cause);
    }

    public static void warn(String message) {
        write(Level.WARN, message, null);
    }

    public static void warn(String message, Throwable cause) {
        write(Level.WARN, message, cause);
    }

    public static void info(String message) {
        write(Level.INFO, message, null);
    }

    public static void debug(String message) {
        write(Level.DEBUG, message, null);
    }

    private static void write(Level level, String message, Throwable cause) {
        if (!enabled(level)) {
            return;
        }
        StringBuilder line = new StringBuilder(96).append("[mcp-refresh] ").append(level).append(' ').append(message);
        if (cause != null) {
            // Exception messages from HTTP stacks can echo request data: name the type only, and the message
            // only at debug level after redaction.
            line.append(" (").append(cause.getClass().getName());
            if (enabled(Level.DEBUG) && cause.getMessage() != null) {
                line.append(": ").append(Redact.text(cause.getMessage()));
            }
            line.append(')');
        }
        try {
            out.println(line);
        } catch (Throwable ignored) {
            // Logging must never fail the caller.
        }
    }
}
