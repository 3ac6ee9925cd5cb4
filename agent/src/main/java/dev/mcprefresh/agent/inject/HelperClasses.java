package dev.mcprefresh.agent.inject;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.ref.WeakReference;
import java.security.ProtectionDomain;
import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Defines a {@link HelperSet}'s classes into an app's class loader (the one that holds the library they are compiled
 * against: Spring Boot's executable-jar loader, an application server's), from the class files in the agent jar, as
 * OpenTelemetry's agent injects its helpers. Once per loader and set; a loader the app drops is dropped here too
 * (weak keys; the classes are held weakly, as they hold their loader). The helpers name agent core classes, which the
 * target loader must reach through its parents as the agent's own; a loader that does not (OSGi and the like) gets
 * nothing. Never defines anything but the set's classes.
 */
public final class HelperClasses {
    private static volatile Instrumentation instrumentation;
    /** Per target loader, what was defined in it (or why not). Guarded by itself; each Slot by itself. */
    private static final Map<ClassLoader, Slot> SLOTS = new WeakHashMap<>();

    private HelperClasses() {
    }

    /** Set once by the agent's start: the means to reach other loaders' defineClass. */
    public static void useInstrumentation(Instrumentation inst) {
        instrumentation = inst;
    }

    /**
     * {@code set}'s entry class, defined in {@code target} with the others of the set (or as defined there before).
     *
     * @throws HelperUnavailable when {@code target} cannot hold it (said why; then again at once, for that loader)
     */
    public static Class<?> entryIn(ClassLoader target, HelperSet set) throws HelperUnavailable {
        if (target == null) {
            throw new HelperUnavailable(set.libraryType() + " is on the boot class path");
        }
        Slot slot;
        synchronized (SLOTS) {
            slot = SLOTS.computeIfAbsent(target, l -> new Slot());
        }
        // One definition at a time per loader: concurrent transports of one app meet here.
        synchronized (slot) {
            WeakReference<Class<?>> done = slot.defined.get(set);
            Class<?> entry = done == null ? null : done.get();
            if (entry != null) {
                return entry;
            }
            String refused = slot.refused.get(set);
            if (refused != null) {
                throw new HelperUnavailable(refused);
            }
            try {
                entry = define(target, set);
            } catch (HelperUnavailable e) {
                slot.refused.put(set, e.getMessage());
                throw e;
            } catch (Exception | LinkageError e) {
                String reason = "defining " + set + " failed: " + e.getClass().getName();
                slot.refused.put(set, reason);
                throw new HelperUnavailable(reason);
            }
            slot.defined.put(set, new WeakReference<>(entry));
            return entry;
        }
    }

    private static Class<?> define(ClassLoader target, HelperSet set) throws Exception {
        for (Class<?> agentType : set.agentTypes()) {
            Class<?> seen;
            try {
                seen = Class.forName(agentType.getName(), false, target);
            } catch (ClassNotFoundException | LinkageError e) {
                seen = null;
            }
            if (seen != agentType) {
                throw new HelperUnavailable(target.getClass().getName() + " does not reach the agent's "
                        + agentType.getName() + " through its parents");
            }
        }
        LoaderAccess access = LoaderAccess.open(instrumentation);
        ProtectionDomain domain = HelperClasses.class.getProtectionDomain();
        Class<?> entry = null;
        for (String name : set.classes()) {
            Class<?> c = defineOrFind(access, target, name, domain);
            if (entry == null) {
                entry = c;
            }
        }
        return entry;
    }

    private static Class<?> defineOrFind(LoaderAccess access, ClassLoader target, String name,
            ProtectionDomain domain) throws Exception {
        Class<?> c = ownClass(access, target, name);
        if (c != null) {
            return c;
        }
        byte[] bytes = classFile(name);
        try {
            return access.define(target, name, bytes, domain);
        } catch (LinkageError e) {
            // Defined meanwhile by another agent or the loader itself ("duplicate class definition"): use that one.
            c = ownClass(access, target, name);
            if (c != null) {
                return c;
            }
            throw e;
        }
    }

    /** The class of that name {@code target} defined itself, or null; one it took from a parent cannot serve. */
    private static Class<?> ownClass(LoaderAccess access, ClassLoader target, String name) throws Exception {
        Class<?> c = access.findLoaded(target, name);
        if (c != null && c.getClassLoader() != target) {
            throw new HelperUnavailable(target.getClass().getName() + " already resolved " + name
                    + " to the agent's own copy");
        }
        return c;
    }

    /** The class file as the agent jar holds it. */
    private static byte[] classFile(String name) throws IOException, HelperUnavailable {
        ClassLoader agent = HelperClasses.class.getClassLoader();
        String resource = name.replace('.', '/') + ".class";
        try (InputStream in = agent == null ? ClassLoader.getSystemResourceAsStream(resource)
                : agent.getResourceAsStream(resource)) {
            if (in == null) {
                throw new HelperUnavailable("the agent jar has no " + resource);
            }
            return in.readAllBytes();
        }
    }

    /** What one loader holds of each set, or why it cannot. */
    private static final class Slot {
        final Map<HelperSet, WeakReference<Class<?>>> defined = new HashMap<>();
        final Map<HelperSet, String> refused = new HashMap<>();
    }
}
