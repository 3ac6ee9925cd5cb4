package dev.mcprefresh.agent.spring;

import dev.mcprefresh.agent.instrument.AppLibrary;
import dev.mcprefresh.core.http.RequestPolicy;

/** Creates the agent's exchange filter, compiled against Spring WebFlux, when the app's Spring is the agent's too. */
final class ExchangeFilterLoader {
    static final String FILTER = "dev.mcprefresh.agent.spring.webflux.AuthorizingExchangeFilter";

    private ExchangeFilterLoader() {
    }

    /** A new filter for one transport, for WebClient builders of {@code builderType}'s Spring, or null (said once). */
    static Object newFilter(Class<?> builderType, RequestPolicy policy) throws ReflectiveOperationException {
        if (!AppLibrary.sharedWithAgent("org.springframework.web.reactive.function.client.ExchangeFilterFunction",
                builderType, "Spring WebFlux")) {
            return null;
        }
        return Class.forName(FILTER, true, ExchangeFilterLoader.class.getClassLoader())
                .getConstructor(RequestPolicy.class).newInstance(policy);
    }
}
