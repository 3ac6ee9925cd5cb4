package dev.mcprefresh.agent.library;

import dev.mcprefresh.agent.bridge.BridgeHooks;
import dev.mcprefresh.core.session.CredentialsRegistry;
import java.util.function.Supplier;

/**
 * A library's own part, in its own package: where its classes get patched and the hooks that serve those patches.
 * Implementations have a public no-argument constructor (the descriptor names the class).
 */
public interface LibrarySupport {
    /** Adds this library's patches; {@code attached}: the agent came into a running JVM (classes may be loaded). */
    void targets(Targets targets, boolean attached);

    /** The hooks serving this library's bridge calls, made at its first call. */
    BridgeHooks hooks(Supplier<CredentialsRegistry> registry);
}
