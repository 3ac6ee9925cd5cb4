package dev.mcprefresh.agent.instrument;

import dev.mcprefresh.agent.bridge.McpRefreshBridge;
import dev.mcprefresh.agent.library.ClassEdits;
import dev.mcprefresh.agent.library.EnabledLibraries;
import dev.mcprefresh.agent.patcher.ClassPatch;
import dev.mcprefresh.agent.patcher.ClassPatcher;
import dev.mcprefresh.core.log.Log;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.Map;

/**
 * Applies the edits the enabled libraries' tables ask for ({@link EnabledLibraries}) to their classes as they load;
 * every other class costs a name check.
 *
 * <p>Why not ByteBuddy's AgentBuilder: set up as usual it costs ~0.5 s of start-up on this project's machines
 * before it transforms anything (design notes, section 4), and the budget is 150 ms. A name check per loaded class
 * plus fixed edits by the agent's own patcher ({@link ClassPatcher}) does the same job for a few milliseconds.
 */
public final class TransportTransformer implements ClassFileTransformer {
    /** Null unless debug logging is on. */
    private final TransformTimings timings;
    private final EnabledLibraries libraries;

    /** Run once, on its own thread, when the first MCP client class loads: reads the store while the app goes on. */
    private final Runnable warmUp;
    private volatile boolean warmUpStarted;

    public TransportTransformer(TransformTimings timings, EnabledLibraries libraries, Runnable warmUp) {
        this.timings = timings;
        this.libraries = libraries;
        this.warmUp = warmUp;
    }

    public boolean isTarget(String internalName) {
        return libraries.edits(internalName) != null;
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String className, Class<?> redefined,
            ProtectionDomain domain, byte[] bytes) {
        long started = timings == null ? 0 : System.nanoTime();
        boolean mayOwn = className != null && libraries.mayOwn(className);
        if (mayOwn && !warmUpStarted) {
            startWarmUp(); // at the library's first class, well before its first transport is built
        }
        ClassEdits edits = mayOwn ? libraries.edits(className) : null;
        if (edits == null) {
            if (timings != null) {
                timings.checkNanos.addAndGet(System.nanoTime() - started);
                timings.checkedClasses.incrementAndGet();
            }
            return null;
        }
        byte[] result = instrument(module, loader, className, redefined, edits, bytes);
        if (timings != null) {
            timings.instrumentNanos.addAndGet(System.nanoTime() - started);
            timings.instrumentedClasses.incrementAndGet();
        }
        return result;
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain,
            byte[] bytes) {
        return transform(null, loader, className, redefined, domain, bytes);
    }

    private byte[] instrument(Module module, ClassLoader loader, String className, Class<?> redefined,
            ClassEdits edits, byte[] bytes) {
        ClassPatch patch = ClassPatch.entryCalls(edits.entryCalls());
        boolean changes = !edits.entryCalls().isEmpty();
        if (!edits.fieldReads().isEmpty()) {
            String refused = BridgeReach.refusal(module, loader);
            if (refused == null) {
                for (Map.Entry<String, String> read : edits.fieldReads().entrySet()) {
                    String[] nameAndType = read.getKey().split(":", 2);
                    patch = patch.withFieldRead(nameAndType[0], nameAndType[1],
                            McpRefreshBridge.class.getName().replace('.', '/'), read.getValue());
                }
                changes = true;
            } else {
                Log.info(className.replace('/', '.') + " " + refused + "; its reads of its HTTP client are left as"
                        + " they are, so its transports keep the client the app built");
            }
        }
        for (String field : edits.writableFields()) {
            String[] nameAndType = field.split(":", 2);
            if (WritableFields.mayClear(redefined, nameAndType[0])) {
                patch = patch.withWritableField(nameAndType[0], nameAndType[1]);
                changes = true;
            }
        }
        return changes ? ClassPatcher.patch(className, bytes, patch) : null;
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
}
