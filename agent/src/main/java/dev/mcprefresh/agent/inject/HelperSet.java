package dev.mcprefresh.agent.inject;

import dev.mcprefresh.core.http.DecoratedClients;
import dev.mcprefresh.core.http.RequestPolicy;
import dev.mcprefresh.core.log.Log;
import dev.mcprefresh.core.session.Credentials;
import java.util.List;

/**
 * The agent's classes compiled against one app library, which serve the app only where that library links: in the
 * agent's own loader for an app run from a class path, else defined beside the library ({@link HelperClasses}).
 * {@code classes} is every class of the helper, the entry first; none extends another, so any order of definition
 * links (a helper supertype would have to come first: the JVM would ask the target loader for it, which delegates
 * to the agent's copy). {@code agentTypes} are the agent classes the helpers name, which the target loader must
 * reach as the agent's own.
 */
public final class HelperSet {
    /** The WebClient exchange filter, for Spring WebFlux's {@code WebClient.Builder}. */
    public static final HelperSet WEBCLIENT_FILTER = new HelperSet("Spring WebFlux",
            "org.springframework.web.reactive.function.client.ExchangeFilterFunction",
            List.of("dev.mcprefresh.agent.spring.webflux.AuthorizingExchangeFilter",
                    "dev.mcprefresh.agent.spring.webflux.LastHop"),
            List.of(RequestPolicy.class, Credentials.class, Log.class));

    /** The OkHttp interceptor, for LangChain4j's legacy HTTP+SSE transport. */
    public static final HelperSet OKHTTP_INTERCEPTOR = new HelperSet("OkHttp", "okhttp3.OkHttpClient",
            List.of("dev.mcprefresh.agent.langchain4j.okhttp.AuthorizingInterceptor"),
            List.of(RequestPolicy.class, Credentials.class, Log.class, DecoratedClients.class));

    /** The Ktor {@code HttpSend} interceptor, for the Kotlin MCP SDK's transports. */
    public static final HelperSet KTOR_SEND_INTERCEPTOR = new HelperSet("Ktor", "io.ktor.client.plugins.HttpSend",
            List.of("dev.mcprefresh.agent.kotlinsdk.ktor.AuthorizingSendInterceptor",
                    "dev.mcprefresh.agent.kotlinsdk.ktor.AuthorizingSendInterceptor$Exchange",
                    "dev.mcprefresh.agent.kotlinsdk.ktor.Resumption"),
            List.of(RequestPolicy.class, Credentials.class, Log.class));

    private final String library;
    private final String libraryType;
    private final List<String> classes;
    private final List<Class<?>> agentTypes;

    HelperSet(String library, String libraryType, List<String> classes, List<Class<?>> agentTypes) {
        this.library = library;
        this.libraryType = libraryType;
        this.classes = List.copyOf(classes);
        this.agentTypes = List.copyOf(agentTypes);
    }

    /** The library's name, as log lines say it. */
    public String library() {
        return library;
    }

    /** A type of the library: where it is loaded is where the helpers must be. */
    public String libraryType() {
        return libraryType;
    }

    /** The class the agent instantiates or calls; the others serve it. */
    public String entry() {
        return classes.get(0);
    }

    List<String> classes() {
        return classes;
    }

    List<Class<?>> agentTypes() {
        return agentTypes;
    }

    @Override
    public String toString() {
        return library + " helpers";
    }
}
