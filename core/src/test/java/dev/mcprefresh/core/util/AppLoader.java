package dev.mcprefresh.core.util;

import java.lang.ref.WeakReference;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * A throwaway class loader standing in for a web app's, and a check that nothing of ours keeps it alive after the
 * app is gone. Code run through {@link #runAsApp} has, as app code in an application server would: that loader as
 * the context class loader, a class of that loader on the stack (its protection domain is what a JDK 17 thread
 * captures as inherited access control context) and an inheritable thread local holding an object of that loader.
 */
public final class AppLoader {
    private static final InheritableThreadLocal<Object> APP_STATE = new InheritableThreadLocal<>();

    private AppLoader() {
    }

    /** Calls {@code action} through a class of the app's loader; uses only boot classes, so it loads there. */
    public static final class Caller implements Consumer<Runnable> {
        @Override
        public void accept(Runnable action) {
            action.run();
        }
    }

    /** Runs {@code action} as app code; returns a weak reference to the app's loader, now otherwise unreferenced. */
    @SuppressWarnings("unchecked")
    public static WeakReference<ClassLoader> runAsApp(Runnable action) throws Exception {
        URL classes = AppLoader.class.getProtectionDomain().getCodeSource().getLocation();
        Thread current = Thread.currentThread();
        ClassLoader before = current.getContextClassLoader();
        try (URLClassLoader app = new URLClassLoader("app", new URL[] {classes}, null)) {
            Object caller = app.loadClass(Caller.class.getName()).getDeclaredConstructor().newInstance();
            if (caller.getClass().getClassLoader() != app) {
                throw new IllegalStateException("the caller class must be the app's own");
            }
            current.setContextClassLoader(app);
            APP_STATE.set(caller);
            try {
                ((Consumer<Runnable>) caller).accept(action);
            } finally {
                APP_STATE.remove();
                current.setContextClassLoader(before);
            }
            return new WeakReference<>(app);
        }
    }

    /** Whether the referent was collected within {@code timeout}, collecting garbage meanwhile. */
    public static boolean collected(WeakReference<?> ref, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (ref.get() != null && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
        return ref.get() == null;
    }
}
