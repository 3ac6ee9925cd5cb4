package dev.mcprefresh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcprefresh.core.store.StoreException;
import dev.mcprefresh.core.store.StoreUnavailableException;
import dev.mcprefresh.core.store.TokenStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the PostgreSQL store tests ({@link PostgresStoreTest}, {@link PgBouncerStoreTest}) do to several stores (as
 * several hosts) at once: first reads together, a row held by one while another waits on it, a lock timeout.
 */
final class ConcurrentStores {
    private ConcurrentStores() {
    }

    /**
     * {@code n} stores, each opened on a thread of its own, make their first read at the same moment; each finds no
     * entry. Returns what the reads that failed threw.
     */
    static List<String> firstReadsAtOnce(int n, Callable<TokenStore> open) throws Exception {
        CyclicBarrier barrier = new CyclicBarrier(n);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<Integer>> reads = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                reads.add(pool.submit(() -> {
                    TokenStore store = open.call();
                    barrier.await(10, TimeUnit.SECONDS);
                    return store.read().records().size();
                }));
            }
            List<String> failures = new ArrayList<>();
            for (Future<Integer> f : reads) {
                try {
                    assertEquals(0, f.get(30, TimeUnit.SECONDS));
                } catch (ExecutionException e) {
                    failures.add(String.valueOf(e.getCause()));
                }
            }
            return failures;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * {@code holder}'s update of {@code id} on a thread of {@code pool}: it holds the row until {@code release} opens,
     * then sets the access token to {@code thenWrite} (null: writes nothing). Returns once the row is held.
     */
    static Future<?> holdRow(ExecutorService pool, TokenStore holder, String id, CountDownLatch release,
            String thenWrite) throws InterruptedException {
        CountDownLatch inside = new CountDownLatch(1);
        Future<?> held = pool.submit(() -> holder.updateEntry(id, c -> {
            inside.countDown();
            await(release);
            if (thenWrite != null) {
                c.put(c.get(id).toBuilder().accessToken(thenWrite).build());
            }
            return null;
        }));
        assertTrue(inside.await(10, TimeUnit.SECONDS), "store1 holds the row");
        return held;
    }

    /**
     * An update of a held row by a store with a lock timeout of 1 s: refused after about that long, its action never
     * run, and no outage. Returns the refusal for the caller to check its message.
     */
    static StoreException refusedAfterLockTimeout(TokenStore impatient, String id) {
        impatient.read();
        AtomicBoolean ran = new AtomicBoolean();
        long t0 = System.nanoTime();
        StoreException timedOut = assertThrows(StoreException.class, () -> impatient.updateEntry(id, c -> {
            ran.set(true);
            return null;
        }));
        long waited = millisSince(t0);
        assertTrue(waited >= 900 && waited < 3_000, "gave up after " + waited + " ms");
        assertFalse(timedOut instanceof StoreUnavailableException, "a held lock is not an outage");
        assertFalse(ran.get());
        return timedOut;
    }

    /** A second store's update of a row {@link #holdRow held} by store1: when its action got in and what it read. */
    static final class RowWaiter {
        private final AtomicLong enteredAt = new AtomicLong();
        private final AtomicReference<String> saw = new AtomicReference<>();
        private final Future<?> done;

        /** Starts {@code store}'s update of {@code id} on {@code pool}: it sets the access token to {@code write}. */
        RowWaiter(ExecutorService pool, TokenStore store, String id, String write) {
            done = pool.submit(() -> store.updateEntry(id, c -> {
                enteredAt.set(System.nanoTime());
                saw.set(c.get(id).accessToken());
                c.put(c.get(id).toBuilder().accessToken(write).build());
                return null;
            }));
        }

        /**
         * Still waiting; then {@code release} lets the holder go: this update got in only after that and read the
         * holder's committed write ({@code holderWrote}), not the old row.
         */
        void entersAfterRelease(CountDownLatch release, Future<?> holder, String holderWrote) throws Exception {
            assertEquals(0, enteredAt.get(), "store2 ran its action while store1 held the row");
            assertFalse(done.isDone());
            long releasedAt = System.nanoTime();
            release.countDown();
            holder.get(10, TimeUnit.SECONDS);
            done.get(10, TimeUnit.SECONDS);
            assertTrue(enteredAt.get() >= releasedAt, "store2 entered only after store1 let go");
            assertEquals(holderWrote, saw.get(), "store2 read store1's committed write, not the old row");
        }
    }

    static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
