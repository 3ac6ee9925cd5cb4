package dev.mcprefresh.agent.sdk;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.Map;

/**
 * Adds one bridge call at the entry of the MCP Java SDK's transport {@code Builder.build()} methods.
 *
 * <p>Why not ByteBuddy's AgentBuilder: set up as usual it costs ~0.5 s of start-up on this project's machines
 * before it transforms anything (design notes, section 4), and the budget is 150 ms. A name check per loaded class
 * plus a few-instruction ASM visitor on the two matching classes does the same job for a few milliseconds. ASM comes
 * from ByteBuddy's repackaged copy, relocated into the agent jar.
 */
public final class SdkTransportTransformer implements ClassFileTransformer {
    private static final String PACKAGE = "io/modelcontextprotocol/client/transport/";
    /** Builder class -> its build() method with exact descriptor; a class with another build() is a fork: skipped. */
    private static final Map<String, Map<String, String>> BUILDERS = Map.of(
            PACKAGE + "HttpClientStreamableHttpTransport$Builder",
            Map.of("build()L" + PACKAGE + "HttpClientStreamableHttpTransport;", "beforeBuild"),
            PACKAGE + "HttpClientSseClientTransport$Builder",
            Map.of("build()L" + PACKAGE + "HttpClientSseClientTransport;", "beforeBuild"));

    /**
     * After a late attach only: transports built before the agent came hold an undecorated client. Their send and
     * connect methods get a call that decorates it once, so a running app recovers without a restart.
     */
    private static final Map<String, String> TRANSPORT_ENTRIES = Map.of(
            "sendMessage(Lio/modelcontextprotocol/spec/McpSchema$JSONRPCMessage;)Lreactor/core/publisher/Mono;",
            "transportInUse",
            "connect(Ljava/util/function/Function;)Lreactor/core/publisher/Mono;", "transportInUse");
    private static final Map<String, Map<String, String>> TRANSPORTS = Map.of(
            PACKAGE + "HttpClientStreamableHttpTransport", TRANSPORT_ENTRIES,
            PACKAGE + "HttpClientSseClientTransport", TRANSPORT_ENTRIES);

    /** Null unless debug logging is on. */
    private final TransformTimings timings;
    private final Map<String, Map<String, String>> targets;

    /** Run once, on its own thread, when the first MCP SDK class loads: reads the store while the app goes on. */
    private final Runnable warmUp;
    private volatile boolean warmUpStarted;

    /** {@code attached}: the agent came after the app started, so already-built transports need fixing too. */
    public SdkTransportTransformer(TransformTimings timings, boolean attached, Runnable warmUp) {
        this.timings = timings;
        this.warmUp = warmUp;
        if (attached) {
            Map<String, Map<String, String>> all = new java.util.HashMap<>(BUILDERS);
            all.putAll(TRANSPORTS);
            this.targets = Map.copyOf(all);
        } else {
            this.targets = BUILDERS;
        }
    }

    public boolean isTarget(String internalName) {
        return internalName != null && internalName.startsWith(PACKAGE) && targets.containsKey(internalName);
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain,
            byte[] bytes) {
        if (!warmUpStarted && className != null && className.startsWith("io/modelcontextprotocol/")) {
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
        // In its own class: ASM loads only when a target class appears, not in premain.
        return EntryCallInstrumenter.instrument(className, bytes, targets.get(className));
    }
}
