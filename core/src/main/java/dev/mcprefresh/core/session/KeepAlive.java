package dev.mcprefresh.core.session;

import dev.mcprefresh.core.log.Log;
import dev.mcprefresh.core.util.DaemonThreads;
import java.lang.ref.WeakReference;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Keeps idle grants alive: while a transport of this JVM uses a store entry (built, not closed, not garbage
 * collected: held weakly), the entry is refreshed before its refresh token's idle deadline ({@link KeepAlivePlan})
 * with no request needed, through the same single-flight, cross-process refresh as every other, so a refresh any
 * process made resets the window for all. One daemon timer thread for the JVM, started at the first plan and gone
 * after a minute with nothing planned; it never holds the JVM open.
 */
final class KeepAlive {
    /** However a refresh ends, the next keep-alive of an entry waits at least this long: no busy loop. */
    static final long MIN_GAP_MILLIS = 1000;
    /** The longest the timer sleeps before it looks at the wall clock again (a machine may have slept meanwhile). */
    static final long MAX_SLEEP_MILLIS = 60_000;

    private final Clock clock;
    private final Map<Credentials, Entry> entries = new ConcurrentHashMap<>();
    private volatile ScheduledThreadPoolExecutor timer;

    KeepAlive(Clock clock) {
        this.clock = clock;
    }

    /** {@code transport} now sends with {@code c}'s tokens; tracked weakly, until {@link #untrack}. */
    void track(Credentials c, Object transport) {
        // Atomic with stop()'s removal: a transport is never added to an entry that is being dropped.
        entries.compute(c, (k, v) -> {
            Entry e = v != null ? v : new Entry(c);
            e.add(transport);
            return e;
        });
        replan(c);
    }

    /** {@code transport} was closed: once no live transport uses {@code c}, its keep-alive stops. */
    void untrack(Credentials c, Object transport) {
        Entry e = entries.get(c);
        if (e != null && e.remove(transport) == 0) {
            stop(e);
        }
    }

    /** Plans {@code c}'s next keep-alive from its current state; called after every refresh and keep-alive. */
    void replan(Credentials c) {
        Entry e = entries.get(c);
        if (e == null) {
            return;
        }
        if (e.live() == 0) {
            stop(e);
            return;
        }
        synchronized (e) {
            long now = clock.millis();
            long next = c.nextKeepAliveMillis(e.drawFor(c.record()));
            long warnAt = e.notice.warnAtMillis(c.record(), now);
            if (next == KeepAlivePlan.NONE && !e.saidNone) {
                e.saidNone = true;
                Log.debug("no keep-alive for " + e.logged + ": " + KeepAlivePlan.whyNone(c.record()));
            }
            e.plannedMillis = next;
            long fire = earliest(next, warnAt);
            e.cancel();
            if (fire != KeepAlivePlan.NONE) {
                fire = Math.max(fire, e.lastFireMillis + MIN_GAP_MILLIS);
                // The timer counts monotonic time, which stands still while the machine sleeps: wake at least once a
                // minute and look at the wall clock again.
                long delay = Math.min(Math.max(0, fire - now), MAX_SLEEP_MILLIS);
                e.future = timer().schedule(() -> fire(c, e), delay, TimeUnit.MILLISECONDS);
            }
        }
    }

    /** The planned keep-alive of {@code c}, or {@link KeepAlivePlan#NONE}. */
    long plannedMillis(Credentials c) {
        Entry e = entries.get(c);
        return e == null ? KeepAlivePlan.NONE : e.plannedMillis;
    }

    /** How many live transports use {@code c}. */
    int liveTransports(Credentials c) {
        Entry e = entries.get(c);
        return e == null ? 0 : e.live();
    }

    private void fire(Credentials c, Entry e) {
        try {
            if (entries.get(c) != e || e.live() == 0) {
                stop(e); // every transport was closed or collected since
                return;
            }
            long planned = e.plannedMillis;
            long now = clock.millis();
            if (planned != KeepAlivePlan.NONE && now >= planned) {
                e.lastFireMillis = now;
                c.keepAliveRefresh().whenComplete((s, t) -> replan(c)); // the same plan again if nothing changed
            } else {
                replan(c); // woken for the session-end notice, or to look at the wall clock again
            }
        } catch (Throwable t) {
            Log.warn("keep-alive for " + e.logged + " failed unexpectedly; it is planned again", t);
            try {
                replan(c);
            } catch (Throwable again) {
                Log.warn("keep-alive for " + e.logged + " stopped: " + again);
            }
        }
    }

    private void stop(Entry e) {
        synchronized (e) {
            e.cancel();
            e.plannedMillis = KeepAlivePlan.NONE;
        }
        // Not under the entry's lock: track() takes the map's lock first, then the entry's.
        Entry kept = entries.computeIfPresent(e.credentials, (k, v) -> v == e && v.live() == 0 ? null : v);
        if (kept == null) {
            Log.debug("keep-alive for " + e.logged + " stopped: no transport of this JVM uses it");
        } else if (kept == e) {
            replan(e.credentials); // a transport came meanwhile: its plan may have been cancelled above
        }
    }

    private static long earliest(long a, long b) {
        if (a == KeepAlivePlan.NONE) {
            return b;
        }
        return b == KeepAlivePlan.NONE ? a : Math.min(a, b);
    }

    private ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor t = timer;
        if (t == null) {
            synchronized (this) {
                t = timer;
                if (t == null) {
                    t = new ScheduledThreadPoolExecutor(1, DaemonThreads.factory("keep-alive"));
                    t.setRemoveOnCancelPolicy(true);
                    t.setKeepAliveTime(60, TimeUnit.SECONDS);
                    t.allowCoreThreadTimeOut(true); // no thread at all while nothing is planned
                    timer = t;
                }
            }
        }
        return t;
    }

    /** One entry's keep-alive: the transports using it (weakly), the planned task. */
    private static final class Entry {
        final Credentials credentials;
        final String logged;
        final SessionEndNotice notice;
        private final List<WeakReference<Object>> transports = new ArrayList<>();
        volatile long plannedMillis = KeepAlivePlan.NONE;
        volatile long lastFireMillis = Long.MIN_VALUE / 2;
        /** The random point in the window, drawn once per stored record, so planning again gives the same point. */
        private Object drawnFor;
        private double draw;
        ScheduledFuture<?> future;
        boolean saidNone;

        Entry(Credentials c) {
            this.credentials = c;
            this.logged = dev.mcprefresh.core.log.LoggedUrl.of(c.serverUrl());
            this.notice = new SessionEndNotice(logged);
        }

        synchronized double drawFor(Object record) {
            if (record != drawnFor) {
                drawnFor = record;
                draw = ThreadLocalRandom.current().nextDouble();
            }
            return draw;
        }

        synchronized void add(Object transport) {
            live();
            for (WeakReference<Object> r : transports) {
                if (r.get() == transport) {
                    return;
                }
            }
            transports.add(new WeakReference<>(transport));
        }

        /** Returns how many remain. */
        synchronized int remove(Object transport) {
            transports.removeIf(r -> r.get() == transport);
            return live();
        }

        /** Live transports, dropping the collected ones. */
        synchronized int live() {
            transports.removeIf(r -> r.get() == null);
            return transports.size();
        }

        synchronized void cancel() {
            if (future != null) {
                future.cancel(false);
                future = null;
            }
        }
    }
}
