package dev.mcprefresh.agent.library;

import dev.mcprefresh.agent.bridge.BridgeHooks;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/** One library's hooks by bridge role: what its {@link LibrarySupport#hooks} returns. */
public final class RoleHooks implements BridgeHooks {
    private final Map<String, Consumer<Object>> entries = new HashMap<>();
    private final Map<String, Function<Object, Object>> reads = new HashMap<>();

    public RoleHooks entry(String role, Consumer<Object> hook) {
        entries.put(role, hook);
        return this;
    }

    public RoleHooks fieldRead(String role, Function<Object, Object> view) {
        reads.put(role, view);
        return this;
    }

    @Override
    public void entry(String role, Object target) {
        Consumer<Object> hook = entries.get(role);
        if (hook != null) {
            hook.accept(target);
        }
    }

    @Override
    public Object fieldRead(String role, Object owner) {
        Function<Object, Object> view = reads.get(role);
        if (view == null) {
            throw new IllegalStateException("no view for " + role);
        }
        return view.apply(owner);
    }
}
