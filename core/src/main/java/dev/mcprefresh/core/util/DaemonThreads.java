package dev.mcprefresh.core.util;

import java.security.AccessController;
import java.security.PrivilegedAction;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Threads of the agent that keep nothing of the app thread that happened to start them. In an application server
 * that thread belongs to a web app, and a thread that outlives the app would keep the app's class loader (and all its
 * classes) alive after a redeployment through its context class loader, its inheritable thread locals and, up to JDK
 * 23, its inherited access control context (the protection domains of the classes on the creator's stack).
 */
public final class DaemonThreads {
    private static final String PREFIX = "mcp-refresh-";
    /** From JDK 24 a new thread captures no access control context (JEP 486), and AccessController may go away. */
    private static final boolean CAPTURES_ACCESS_CONTEXT = Runtime.version().feature() < 24;

    private DaemonThreads() {
    }

    /**
     * Daemon threads (they never keep the app's JVM alive) with no context class loader, no inherited thread locals,
     * normal priority, named {@code mcp-refresh-NAME-1}, {@code -2}, ... ({@code name} may already start with
     * {@code mcp-refresh-}).
     */
    public static ThreadFactory factory(String name) {
        String prefix = (name.startsWith(PREFIX) ? name : PREFIX + name) + "-";
        AtomicInteger next = new AtomicInteger();
        return task -> outsideAccessContext(() -> {
            Thread t = new Thread(null, task, prefix + next.incrementAndGet(), 0, false);
            t.setContextClassLoader(null);
            t.setDaemon(true);
            t.setPriority(Thread.NORM_PRIORITY);
            return t;
        });
    }

    /**
     * Runs {@code action} so that threads the JDK starts inside it (HttpClient's selector thread, its default
     * workers) inherit no context class loader and no access control context from the calling thread. Inheritable
     * thread locals it cannot stop; the JDK's HttpClient starts its threads without them.
     */
    public static <T> T detached(Supplier<T> action) {
        return outsideAccessContext(() -> {
            Thread current = Thread.currentThread();
            ClassLoader before = current.getContextClassLoader();
            current.setContextClassLoader(null);
            try {
                return action.get();
            } finally {
                current.setContextClassLoader(before);
            }
        });
    }

    private static <T> T outsideAccessContext(Supplier<T> action) {
        return CAPTURES_ACCESS_CONTEXT ? Privileged.run(action) : action.get();
    }

    /** Its own class, so a JDK without AccessController never links it. */
    private static final class Privileged {
        /** A privileged frame ends the stack walk: a thread created here captures only this class's domain. */
        @SuppressWarnings("removal")
        static <T> T run(Supplier<T> action) {
            return AccessController.doPrivileged((PrivilegedAction<T>) action::get);
        }
    }
}
