package dev.mcprefresh.agent.instrument;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What the agent costs the JVM, for the start-up benchmark: time in premain, and time in the transformer split into
 * the name check every loaded class pays and the instrumentation only the target classes pay. Recorded only at debug
 * level (two clock reads per loaded class) and logged once, at exit.
 */
public final class TransformTimings {
    final AtomicLong checkedClasses = new AtomicLong();
    final AtomicLong checkNanos = new AtomicLong();
    final AtomicLong instrumentedClasses = new AtomicLong();
    final AtomicLong instrumentNanos = new AtomicLong();
    private volatile long premainNanos;

    public void premainTook(long nanos) {
        premainNanos = nanos;
    }

    public String summary() {
        return String.format(java.util.Locale.ROOT,
                "cost: premain %.2f ms; name checks %d classes %.2f ms; instrumentation %d classes %.2f ms",
                premainNanos / 1e6, checkedClasses.get(), checkNanos.get() / 1e6, instrumentedClasses.get(),
                instrumentNanos.get() / 1e6);
    }
}
