package dev.mcprefresh.core.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class DaemonThreadsTest {

    @Test
    void threadsAreNamedDaemonsWithoutTheCreatorsContextClassLoader() throws Exception {
        ThreadFactory factory = DaemonThreads.factory("test");
        ClassLoader app = new URLClassLoader(new URL[0], null);
        Thread creator = Thread.currentThread();
        ClassLoader before = creator.getContextClassLoader();
        AtomicReference<ClassLoader> seen = new AtomicReference<>(app);
        Thread first;
        Thread second;
        creator.setContextClassLoader(app);
        try {
            first = factory.newThread(() -> seen.set(Thread.currentThread().getContextClassLoader()));
            second = DaemonThreads.factory("mcp-refresh-test").newThread(() -> { });
        } finally {
            creator.setContextClassLoader(before);
        }
        first.start();
        first.join(5000);
        assertNull(seen.get(), "the running thread sees no context class loader");
        assertNull(first.getContextClassLoader());
        assertTrue(first.isDaemon(), "never keeps the app's JVM alive");
        assertEquals(Thread.NORM_PRIORITY, first.getPriority());
        assertEquals("mcp-refresh-test-1", first.getName());
        assertEquals("mcp-refresh-test-1", second.getName(), "the prefix is not doubled");
        assertEquals("mcp-refresh-test-2", factory.newThread(() -> { }).getName());
    }

    @Test
    void aLiveThreadStartedByAppCodeDoesNotKeepTheAppsLoader() throws Exception {
        ThreadFactory factory = DaemonThreads.factory("test");
        CountDownLatch release = new CountDownLatch(1);
        Thread[] started = new Thread[1];
        WeakReference<ClassLoader> app = AppLoader.runAsApp(() -> {
            started[0] = factory.newThread(() -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            started[0].start();
        });
        try {
            assertTrue(AppLoader.collected(app, Duration.ofSeconds(10)),
                    "the app's loader is still reachable from a live thread of ours");
            assertTrue(started[0].isAlive());
        } finally {
            release.countDown();
        }
    }

    @Test
    void whatTheJdkStartsInsideDetachedInheritsNothingEither() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Thread[] started = new Thread[1];
        WeakReference<ClassLoader> app = AppLoader.runAsApp(() -> DaemonThreads.detached(() -> {
            // Started as the JDK starts HttpClient's selector and worker threads: no inherited thread locals.
            started[0] = new Thread(null, () -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "jdk-like", 0, false);
            started[0].setDaemon(true);
            started[0].start();
            return null;
        }));
        try {
            assertFalse(started[0].getContextClassLoader() instanceof URLClassLoader);
            assertTrue(AppLoader.collected(app, Duration.ofSeconds(10)),
                    "the app's loader is still reachable from a thread started inside detached()");
        } finally {
            release.countDown();
        }
    }
}
