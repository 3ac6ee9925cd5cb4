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
    private static final BridgeHooks NONE = new BridgeHooks() {
        @Override
        public void entry(String role, Object target) {
        }

        @Override
        public Object fieldRead(String role, Object owner) {
            throw new IllegalStateException("no library serves " + owner.getClass().getName());
        }
    };

    private final EnabledLibraries libraries;
    private final Supplier<CredentialsRegistry> registry;
    private final Map<String, BridgeHooks> byLibrary = new ConcurrentHashMap<>();
    private final ClassValue<BridgeHooks> byClass = new ClassValue<>() {
        @Override
        protected BridgeHooks computeValue(Class<?> type) {
            for (Class<?> c = type; c != null; c = c.getSuperclass()) {
                ClassEdits edits = libraries.edits(c.getName().replace('.', '/'));
                if (edits != null) {
                    return hooksOf(edits.library());
                }
            }
            return NONE;
        }
    };

    public HookDispatch(EnabledLibraries libraries, Supplier<CredentialsRegistry> registry) {
        this.libraries = libraries;
        this.registry = registry;
    }

    @Override
    public void entry(String role, Object target) {
        byClass.get(target.getClass()).entry(role, target);
    }

    @Override
    public Object fieldRead(String role, Object owner) {
        return byClass.get(owner.getClass()).fieldRead(role, owner);
    }

    private BridgeHooks hooksOf(String library) {
        return byLibrary.computeIfAbsent(library, name -> {
            LibrarySupport support = libraries.support(name);
            return support == null ? NONE : support.hooks(registry);
        });
    }
}
