package dev.mcprefresh.agent.library;

import dev.mcprefresh.agent.bridge.BridgeHooks;
import dev.mcprefresh.core.session.CredentialsRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Serves the bridge: a call goes to the hooks of the library whose table names the target's class (or a superclass:
 * an app may subclass a transport). Each library's hooks are made at its first call, not in premain, so an app
 * without MCP never loads them.
 */
public final class HookDispatch implements BridgeHooks {
    private final EnabledLibraries libraries;
    private final Supplier<CredentialsRegistry> registry;
    private final Map<String, BridgeHooks> byLibrary = new ConcurrentHashMap<>();
    /** Made at the first call, not in premain (a ClassValue loads classes of its own). */
    private volatile ClassValue<BridgeHooks> byClass;

    public HookDispatch(EnabledLibraries libraries, Supplier<CredentialsRegistry> registry) {
        this.libraries = libraries;
        this.registry = registry;
    }

    @Override
    public void entry(String role, Object target) {
        hooksFor(target.getClass()).entry(role, target);
    }

    @Override
    public Object fieldRead(String role, Object owner) {
        return hooksFor(owner.getClass()).fieldRead(role, owner);
    }

    private BridgeHooks hooksFor(Class<?> type) {
        ClassValue<BridgeHooks> b = byClass;
        if (b == null) {
            synchronized (this) {
                b = byClass;
                if (b == null) {
                    b = new ByClass();
                    byClass = b;
                }
            }
        }
        return b.get(type);
    }

    /** The hooks of the library whose table names the class or its nearest superclass so named. */
    private final class ByClass extends ClassValue<BridgeHooks> {
        @Override
        protected BridgeHooks computeValue(Class<?> type) {
            for (Class<?> c = type; c != null; c = c.getSuperclass()) {
                ClassEdits edits = libraries.edits(c.getName().replace('.', '/'));
                if (edits != null) {
                    return hooksOf(edits.library());
                }
            }
            return NoHooks.INSTANCE;
        }
    }

    /** For a class no library serves. */
    private static final class NoHooks implements BridgeHooks {
        static final NoHooks INSTANCE = new NoHooks();

        @Override
        public void entry(String role, Object target) {
        }

        @Override
        public Object fieldRead(String role, Object owner) {
            throw new IllegalStateException("no library serves " + owner.getClass().getName());
        }
    }

    private BridgeHooks hooksOf(String library) {
        return byLibrary.computeIfAbsent(library, name -> {
            LibrarySupport support = libraries.support(name);
            return support == null ? NoHooks.INSTANCE : support.hooks(registry);
        });
    }
}
