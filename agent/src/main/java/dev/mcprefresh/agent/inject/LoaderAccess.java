package dev.mcprefresh.agent.inject;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.security.ProtectionDomain;
import java.util.Map;
import java.util.Set;

/**
 * {@code ClassLoader#defineClass} and {@code #findLoadedClass} on any loader, without Unsafe: java.base opens
 * java.lang to the agent's module alone (the unnamed module of the loader that holds the agent jar), through
 * {@link Instrumentation#redefineModule}, the JDK's own way for an agent to reach into a module. Done once, on the first
 * helper an app needs, never at start-up. {@code MethodHandles.Lookup#defineClass} does not serve: it defines only
 * into the loader and package of a class already there.
 */
final class LoaderAccess {
    private static volatile LoaderAccess opened;

    private final Method define;
    private final Method findLoaded;

    private LoaderAccess(Method define, Method findLoaded) {
        this.define = define;
        this.findLoaded = findLoaded;
    }

    /** {@code instrumentation}: the agent's, or null when java.lang is already open to the agent (tests). */
    static LoaderAccess open(Instrumentation instrumentation) throws HelperUnavailable, NoSuchMethodException {
        LoaderAccess a = opened;
        if (a != null) {
            return a;
        }
        synchronized (LoaderAccess.class) {
            if (opened == null) {
                Module base = Object.class.getModule();
                Module agent = LoaderAccess.class.getModule();
                if (!base.isOpen("java.lang", agent)) {
                    if (instrumentation == null) {
                        throw new HelperUnavailable("the agent has no Instrumentation to reach class loaders with");
                    }
                    instrumentation.redefineModule(base, Set.of(), Map.of(), Map.of("java.lang", Set.of(agent)),
                            Set.of(), Map.of());
                }
                Method define = ClassLoader.class.getDeclaredMethod("defineClass", String.class, byte[].class,
                        int.class, int.class, ProtectionDomain.class);
                Method findLoaded = ClassLoader.class.getDeclaredMethod("findLoadedClass", String.class);
                define.setAccessible(true);
                findLoaded.setAccessible(true);
                opened = new LoaderAccess(define, findLoaded);
            }
            return opened;
        }
    }

    Class<?> define(ClassLoader loader, String name, byte[] bytes, ProtectionDomain domain)
            throws IllegalAccessException {
        return (Class<?>) unwrapped(define, loader, name, bytes, 0, bytes.length, domain);
    }

    /** The class {@code loader} has loaded (defined, or was asked for and delegated) under that name, or null. */
    Class<?> findLoaded(ClassLoader loader, String name) throws IllegalAccessException {
        return (Class<?>) unwrapped(findLoaded, loader, name);
    }

    /** What the method threw, as itself: a LinkageError must reach the caller as one. */
    private static Object unwrapped(Method m, ClassLoader loader, Object... args) throws IllegalAccessException {
        try {
            return m.invoke(loader, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            throw new IllegalStateException(cause);
        }
    }
}
