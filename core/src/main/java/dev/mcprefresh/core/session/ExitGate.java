package dev.mcprefresh.core.session;

/**
 * The refreshes (and write-backs) of a JVM, counted so that its exit can wait for exactly those: not for a store read,
 * an MBean, or app code that runs on our threads when a refresh completes its future (which may be what calls
 * System.exit). Once closed, none begins, and one under way does not start a token request: the JVM is ending.
 */
final class ExitGate {
    private int running;
    private boolean closed;

    /** True when the work may begin; then {@link #leave()} must follow. */
    synchronized boolean enter() {
        if (closed) {
            return false;
        }
        running++;
        return true;
    }

    synchronized void leave() {
        running--;
        notifyAll();
    }

    /** Whether the JVM is ending: a refresh that got the lock late sends no token request. */
    synchronized boolean closed() {
        return closed;
    }

    /** Closes the gate and waits up to {@code millis} for the work under way; true when none is left. */
    synchronized boolean closeAndAwait(long millis) throws InterruptedException {
        closed = true;
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (running > 0) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }
}
