package dev.mcprefresh.agent.sdk;

import dev.mcprefresh.core.session.CredentialsRegistry;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A bridge hook whose real work ({@link SdkBuilderHook}, {@link BuiltTransportFixer}: java.net.http, the store,
 * reflection) is loaded at the first MCP transport, not in premain, so an app without MCP never loads it.
 */
public final class DeferredHook implements Consumer<Object> {
    private final boolean runningTransports;
    private final Supplier<CredentialsRegistry> registry;
    private volatile Consumer<Object> hook;

    /** {@code runningTransports}: fix transports built before a late attach, instead of wiring builders. */
    public DeferredHook(boolean runningTransports, Supplier<CredentialsRegistry> registry) {
        this.runningTransports = runningTransports;
        this.registry = registry;
    }

    @Override
    public void accept(Object target) {
        Consumer<Object> h = hook;
        if (h == null) {
            synchronized (this) {
                h = hook;
                if (h == null) {
                    h = runningTransports ? new BuiltTransportFixer(registry) : new SdkBuilderHook(registry);
                    hook = h;
                }
            }
        }
        h.accept(target);
    }
}
