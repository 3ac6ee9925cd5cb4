package dev.mcprefresh.agent.spring;

import dev.mcprefresh.agent.inject.HelperSet;
import dev.mcprefresh.agent.instrument.AppLibrary;
import dev.mcprefresh.core.http.RequestPolicy;

/**
 * Creates the agent's exchange filter, compiled against Spring WebFlux, from the copy that links to the app's Spring:
 * the agent's own for a class path app, one defined beside Spring in a Spring Boot executable jar (AppLibrary).
 */
final class ExchangeFilterLoader {
    static final String FILTER = "dev.mcprefresh.agent.spring.webflux.AuthorizingExchangeFilter";

    private ExchangeFilterLoader() {
    }

    /** A new filter for one transport, for WebClient builders of {@code builderType}'s Spring, or null (said once). */
    static Object newFilter(Class<?> builderType, RequestPolicy policy) throws ReflectiveOperationException {
        Class<?> filter = AppLibrary.helperFor(HelperSet.WEBCLIENT_FILTER, builderType);
        return filter == null ? null : filter.getConstructor(RequestPolicy.class).newInstance(policy);
    }
}
