package dev.mcprefresh.agent.bridge;

/** What serves the bridge's calls: the agent's hook dispatch once it has started. */
public interface BridgeHooks {
    /** A patched method of {@code target} was entered in {@code role}; may throw (the bridge drops it). */
    void entry(String role, Object target);

    /**
     * A patched read of {@code owner}'s field in {@code role}: the value to use. Must not throw when the field itself
     * can be read: the patched code has no other way to get it.
     */
    Object fieldRead(String role, Object owner);
}
