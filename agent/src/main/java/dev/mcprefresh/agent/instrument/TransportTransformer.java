package dev.mcprefresh.agent.instrument;

import dev.mcprefresh.agent.langchain4j.LangChain4jTargets;
import dev.mcprefresh.agent.patcher.ClassPatch;
import dev.mcprefresh.agent.patcher.ClassPatcher;
import dev.mcprefresh.agent.sdk.SdkTargets;
import dev.mcprefresh.agent.spring.SpringWebClientTargets;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.HashMap;
import java.util.Map;

/**
 * Adds one bridge call at the entry of the chosen methods of known MCP client classes (the tables of
 * {@link SdkTargets}, {@link LangChain4jTargets} and {@link SpringWebClientTargets}); every other class costs a name
 * check.
 *
 * <p>Why not ByteBuddy's AgentBuilder: set up as usual it costs ~0.5 s of start-up on this project's machines
 * before it transforms anything (design notes, section 4), and the budget is 150 ms. A name check per loaded class
 * plus a fixed entry call patched into the matching classes ({@link EntryCallPatcher}) does the same job for a few
 * milliseconds.
 */
public final class TransportTransformer implements ClassFileTransformer {
    /** Null unless debug logging is on. */
    private final TransformTimings timings;
    private final boolean attached;
    /** Built at the first class under a known package, not in premain: an app without MCP never loads the tables. */
    private volatile Map<String, Map<String, String>> targets;

    /** Run once, on its own thread, when the first MCP client class loads: reads the store while the app goes on. */
    private final Runnable warmUp;
    private volatile boolean warmUpStarted;

    /** {@code attached}: the agent came after the app started, so already-built transports need fixing too. */
    public TransportTransformer(TransformTimings timings, boolean attached, Runnable warmUp) {
        this.timings = timings;
        this.attached = attached;
        this.warmUp = warmUp;
    }

    public boolean isTarget(String internalName) {
        // The package names are compile-time constants: this check loads none of the table classes.
        return internalName != null && (internalName.startsWith(SdkTargets.PACKAGE)
                || internalName.startsWith(LangChain4jTargets.PACKAGE)
                || internalName.startsWith(SpringWebClientTargets.SPRING_AI_PACKAGE))
                && targets().containsKey(internalName);
    }

    private Map<String, Map<String, String>> targets() {
        Map<String, Map<String, String>> t = targets;
        if (t == null) {
            Map<String, Map<String, String>> all = new HashMap<>();
            merge(all, SdkTargets.BUILDERS);
            merge(all, SdkTargets.TRANSPORTS);
            merge(all, LangChain4jTargets.TRANSPORTS);
            merge(all, SpringWebClientTargets.BUILDERS);
            if (attached) {
                merge(all, SdkTargets.RUNNING_TRANSPORTS);
            }
            t = Map.copyOf(all);
            targets = t;
        }
        return t;
    }

    /** Tables may name the same class (a transport's close and, after an attach, its send): their methods add up. */
    private static void merge(Map<String, Map<String, String>> all, Map<String, Map<String, String>> table) {
        table.forEach((type, methods) -> all.merge(type, methods, (a, b) -> {
            Map<String, String> both = new HashMap<>(a);
            both.putAll(b);
            return Map.copyOf(both);
        }));
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain,
            byte[] bytes) {
        if (!warmUpStarted && className != null && (className.startsWith("io/modelcontextprotocol/")
                || className.startsWith(LangChain4jTargets.PACKAGE)
                || className.startsWith(SpringWebClientTargets.SPRING_AI_PACKAGE))) {
            startWarmUp();
        }
        if (timings == null) {
            return isTarget(className) ? instrument(className, bytes) : null;
        }
        long started = System.nanoTime();
        if (!isTarget(className)) {
            timings.checkNanos.addAndGet(System.nanoTime() - started);
            timings.checkedClasses.incrementAndGet();
            return null;
        }
        byte[] result = instrument(className, bytes);
        timings.instrumentNanos.addAndGet(System.nanoTime() - started);
        timings.instrumentedClasses.incrementAndGet();
        return result;
    }

    private synchronized void startWarmUp() {
        if (warmUpStarted || warmUp == null) {
            warmUpStarted = true;
            return;
        }
        warmUpStarted = true;
        try {
            // The store read and its JSON classes cost tens of milliseconds: done beside the app's own start-up
            // rather than inside the first transport's build(), which then finds them ready (or waits for them).
            Thread t = new Thread(warmUp, "mcp-refresh-warm-up");
            t.setDaemon(true);
            t.start();
        } catch (Throwable ignored) {
            // the first build() does the work itself
        }
    }

    private byte[] instrument(String className, byte[] bytes) {
        // In its own class: the patcher loads only when a target class appears, not in premain.
        return ClassPatcher.patch(className, bytes, ClassPatch.entryCalls(targets().get(className)));
    }
}
