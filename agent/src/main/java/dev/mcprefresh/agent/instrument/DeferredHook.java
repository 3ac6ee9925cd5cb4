package dev.mcprefresh.agent.instrument;

import dev.mcprefresh.agent.langchain4j.LangChain4jTransportHook;
import dev.mcprefresh.agent.lifecycle.TransportCloseHook;
import dev.mcprefresh.agent.sdk.BuiltTransportFixer;
import dev.mcprefresh.agent.sdk.SdkBuilderHook;
import dev.mcprefresh.agent.spring.WebClientTransportHook;
import dev.mcprefresh.core.session.CredentialsRegistry;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A bridge hook whose real work (java.net.http, the store, reflection) is loaded at the first MCP transport, not in
 * premain, so an app without MCP never loads it.
 */
public final class DeferredHook implements Consumer<Object> {
    // Which library's hook this stands for: int constants, not an enum, so premain loads one class fewer.
    /** MCP Java SDK transport builders. */
    public static final int SDK_BUILDER = 0;
    /** MCP Java SDK transports built before a late attach. */
    public static final int SDK_RUNNING_TRANSPORT = 1;
    /** LangChain4j transports, as they start. */
    public static final int LANGCHAIN4J_TRANSPORT = 2;
    /** Spring WebClient transport builders (SDK mcp-spring-webflux, Spring AI 2.x). */
    public static final int SPRING_WEBCLIENT_BUILDER = 3;
    /** Transports the app closes (SDK, LangChain4j). */
    public static final int TRANSPORT_CLOSE = 4;

    private final int kind;
    private final Supplier<CredentialsRegistry> registry;
    private volatile Consumer<Object> hook;

    public DeferredHook(int kind, Supplier<CredentialsRegistry> registry) {
        this.kind = kind;
        this.registry = registry;
    }

    @Override
    public void accept(Object target) {
        Consumer<Object> h = hook;
        if (h == null) {
            synchronized (this) {
                h = hook;
                if (h == null) {
                    h = create();
                    hook = h;
                }
            }
        }
        h.accept(target);
    }

    private Consumer<Object> create() {
        switch (kind) {
            case SDK_BUILDER:
                return new SdkBuilderHook(registry);
            case SDK_RUNNING_TRANSPORT:
                return new BuiltTransportFixer(registry);
            case LANGCHAIN4J_TRANSPORT:
                return new LangChain4jTransportHook(registry);
            case TRANSPORT_CLOSE:
                return new TransportCloseHook();
            default:
                return new WebClientTransportHook(registry);
        }
    }
}
