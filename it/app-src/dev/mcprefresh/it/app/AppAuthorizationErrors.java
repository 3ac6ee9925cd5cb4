package dev.mcprefresh.it.app;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The part of an app's own authorization error handler (SDK 1.1+) that is the same on every SDK line: it counts the
 * 401/403s the SDK hands it, prints one line per call for the tests to count (status and method only, never a
 * header), and asks for the one retry the SDK allows, as mcp-security's handler does after it got a new token. The
 * SDK then rebuilds the request: its request template and customizer run again.
 */
final class AppAuthorizationErrors {
    static final String LINE = "APP AUTH HANDLER";
    private static final AtomicInteger CALLS = new AtomicInteger();

    private AppAuthorizationErrors() {
    }

    /** {@code method}: the rejected request's method, or "?" where the SDK does not say (1.1). */
    static boolean handle(int status, String method) {
        System.out.println(LINE + " " + CALLS.incrementAndGet() + " status=" + status + " method=" + method);
        return true;
    }
}
