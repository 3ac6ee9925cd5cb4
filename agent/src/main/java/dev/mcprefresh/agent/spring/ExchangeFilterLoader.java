package dev.mcprefresh.agent.spring;

import dev.mcprefresh.core.log.Log;
import dev.mcprefresh.core.session.CredentialsRegistry;

/**
 * Loads the agent's exchange filter, which is compiled against Spring WebFlux, so that it links to the app's own
 * Spring classes. That works when Spring is visible from the agent's class loader (the system class loader: apps run
 * from a class path); otherwise (a Spring Boot fat jar) the transport is left alone, said once.
 */
final class ExchangeFilterLoader {
    static final String FILTER = "dev.mcprefresh.agent.spring.webflux.AuthorizingExchangeFilter";
    private static final String SPRING_FILTER_TYPE =
            "org.springframework.web.reactive.function.client.ExchangeFilterFunction";
    private static volatile boolean warnedLayout;

    private ExchangeFilterLoader() {
    }

    /** A new filter for WebClient builders of {@code builderType}'s Spring, or null. */
    static Object newFilter(Class<?> builderType, CredentialsRegistry registry) throws ReflectiveOperationException {
        ClassLoader agentLoader = ExchangeFilterLoader.class.getClassLoader();
        Class<?> appType = Class.forName(SPRING_FILTER_TYPE, false, builderType.getClassLoader());
        Class<?> agentView;
        try {
            agentView = Class.forName(SPRING_FILTER_TYPE, false, agentLoader);
        } catch (ClassNotFoundException e) {
            agentView = null;
        }
        if (agentView != appType) {
            if (!warnedLayout) {
                warnedLayout = true;
                Log.warn("Spring WebFlux is loaded by " + builderType.getClassLoader().getClass().getName()
                        + ", which the agent cannot reach (a Spring Boot fat jar?); WebClient MCP transports are left as"
                        + " the app built them. Run the app from a class path to have the agent keep their tokens fresh");
            }
            return null;
        }
        return Class.forName(FILTER, true, agentLoader).getConstructor(CredentialsRegistry.class).newInstance(registry);
    }
}
