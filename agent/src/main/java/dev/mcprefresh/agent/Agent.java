package dev.mcprefresh.agent;

import dev.mcprefresh.agent.bridge.McpRefreshBridge;
import dev.mcprefresh.agent.instrument.McpClassPath;
import dev.mcprefresh.agent.instrument.TransportTransformer;
import dev.mcprefresh.agent.instrument.TransformTimings;
import dev.mcprefresh.agent.library.EnabledLibraries;
import dev.mcprefresh.agent.library.HookDispatch;
import dev.mcprefresh.core.config.Setting;
import dev.mcprefresh.core.config.Settings;
import dev.mcprefresh.core.config.UnknownSettings;
import dev.mcprefresh.core.log.Log;
import dev.mcprefresh.core.session.CredentialsRegistry;
import dev.mcprefresh.core.util.DaemonThreads;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.List;

/**
 * Start-up: settings, the bridge's hook, one class-file transformer, registered only when an MCP client library can
 * load ({@link McpClassPath}). Nothing here parses a class or reads the store: that waits until an MCP transport class
 * is loaded or built.
 */
final class Agent {
    private static final String STARTED = "mcp.refresh.agent.started";

    private Agent() {
    }

    static void start(String args, Instrumentation inst, boolean attached) {
        start(args, inst, attached, ClassLoader.getSystemClassLoader());
    }

    /** {@code appLoader}: where the app's libraries are looked for (the system class loader, but for tests). */
    static synchronized void start(String args, Instrumentation inst, boolean attached, ClassLoader appLoader) {
        long started = System.nanoTime();
        if (System.getProperty(STARTED) != null) {
            Log.info("the agent is already running in this JVM; ignoring the second start");
            return;
        }
        Settings settings;
        try {
            settings = Settings.load(args);
            Log.setLevel(Log.parseLevel(settings.get(Setting.LOG_LEVEL)));
        } catch (IllegalArgumentException e) {
            // Malformed agent arguments or log level: say which, stay off; the app runs as without the agent.
            Log.error(e.getMessage() + "; the agent is off and the app runs without it");
            return;
        }
        for (String warning : UnknownSettings.warnings(Settings.parseAgentArgs(args), System.getProperties(),
                System.getenv(), STARTED, EnabledLibraries.switchKeys())) {
            Log.warn(warning);
        }
        boolean enabled;
        try {
            enabled = settings.enabled();
        } catch (IllegalArgumentException e) {
            Log.error(e.getMessage() + "; the agent is off and the app runs without it");
            return;
        }
        if (!enabled) {
            Log.info("disabled by " + Setting.ENABLED.key() + "=false");
            return;
        }
        EnabledLibraries libraries = EnabledLibraries.of(settings, attached);
        if (libraries.none()) {
            Log.info("every client library's support is off: the agent stays idle");
            return;
        }
        if (!attached && !instrumentAlways(settings)
                && McpClassPath.marker(appLoader, libraries) == null) {
            Log.info("no MCP client library on the class path: the agent stays idle and costs nothing further (for"
                    + " libraries the app loads through its own class loaders, set " + Setting.INSTRUMENT.key()
                    + "=always)");
            if (Log.enabled(Log.Level.DEBUG)) {
                Log.debug(String.format(java.util.Locale.ROOT, "cost: premain %.2f ms; no transformer",
                        (System.nanoTime() - started) / 1e6));
            }
            return;
        }
        LazyRegistry registry = new LazyRegistry(settings);
        McpRefreshBridge.hooks = new HookDispatch(libraries, registry);
        TransformTimings timings = Log.enabled(Log.Level.DEBUG) ? new TransformTimings() : null;
        TransportTransformer transformer = new TransportTransformer(timings, libraries, registry);
        dev.mcprefresh.agent.inject.HelperClasses.useInstrumentation(inst); // to define helpers in app loaders
        inst.addTransformer(transformer, true);
        System.setProperty(STARTED, "true");
        if (attached) {
            retransformLoaded(inst, transformer);
        }
        if (Log.enabled(Log.Level.DEBUG)) {
            Log.debug("started; token store " + shownStore(settings));
        }
        if (timings != null) {
            timings.premainTook(System.nanoTime() - started);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> Log.debug(timings.summary()), "mcp-refresh-timings"));
        }
    }

    /** The store as a log line may show it: a path, or a database URL without user and parameters. */
    private static String shownStore(Settings settings) {
        try {
            return settings.storeLocation().toString();
        } catch (IllegalArgumentException e) {
            return "(unusable: " + e.getMessage() + ")";
        }
    }

    /** {@code instrument=always}; a bad value is said once and read as the default, auto. */
    private static boolean instrumentAlways(Settings settings) {
        try {
            return settings.instrumentAlways();
        } catch (IllegalArgumentException e) {
            Log.warn(e.getMessage() + "; using auto");
            return false;
        }
    }

    /** On attach, MCP builder classes may already be loaded: give them the same change. */
    private static void retransformLoaded(Instrumentation inst, TransportTransformer transformer) {
        List<Class<?>> targets = new ArrayList<>();
        for (Class<?> c : inst.getAllLoadedClasses()) {
            if (transformer.isTarget(c.getName().replace('.', '/')) && inst.isModifiableClass(c)) {
                targets.add(c);
            }
        }
        for (Class<?> c : targets) {
            try {
                inst.retransformClasses(c);
            } catch (Throwable t) {
                Log.warn("could not retransform " + c.getName(), t);
            }
        }
    }

    /** Creates the registry (and reads the store) on the first MCP transport, not at JVM start. */
    static final class LazyRegistry implements java.util.function.Supplier<CredentialsRegistry>, Runnable {
        private final Settings settings;
        private volatile CredentialsRegistry registry;
        private volatile boolean failed;

        LazyRegistry(Settings settings) {
            this.settings = settings;
        }

        /** Reads the store ahead of the first transport; failures are left for get() to meet and report. */
        @Override
        public void run() {
            try {
                CredentialsRegistry r = get();
                if (r != null) {
                    r.warmUp(); // reads the store (file or database) and loads its classes before the first transport
                }
            } catch (Throwable ignored) {
                // get() at the first build() tries again and logs
            }
        }

        /** The registry, or null when the settings cannot make one (said once; transports are left alone). */
        @Override
        public CredentialsRegistry get() {
            CredentialsRegistry r = registry;
            if (r == null && !failed) {
                synchronized (this) {
                    r = registry;
                    if (r == null && !failed) {
                        try {
                            r = CredentialsRegistry.fromSettings(settings);
                            registry = r;
                            drainAtExit(r);
                        } catch (RuntimeException e) {
                            failed = true;
                            Log.error("the settings cannot be used (" + e.getMessage() + "); MCP transports are left"
                                    + " as the app built them");
                        }
                    }
                }
            }
            return r;
        }

        /** A refresh under way when the JVM ends stores its answer first (see drainBeforeExit). */
        private static void drainAtExit(CredentialsRegistry r) {
            try {
                // A thread of ours: one made here would keep the app thread's class loader for the JVM's life.
                Runtime.getRuntime().addShutdownHook(DaemonThreads.factory("exit").newThread(() -> {
                    try {
                        r.drainBeforeExit();
                    } catch (Throwable t) {
                        Log.warn("could not wait for a refresh under way at exit", t);
                    }
                }));
            } catch (IllegalStateException | SecurityException e) {
                // the JVM is already ending, or the app forbids hooks: nothing to wait for, or no way to
            }
        }
    }
}
