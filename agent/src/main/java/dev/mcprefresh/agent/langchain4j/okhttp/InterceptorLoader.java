package dev.mcprefresh.agent.langchain4j.okhttp;

import dev.mcprefresh.agent.inject.HelperSet;
import dev.mcprefresh.agent.instrument.AppLibrary;
import dev.mcprefresh.core.http.RequestPolicy;
import dev.mcprefresh.core.log.Log;
import java.lang.reflect.InvocationTargetException;

/**
 * Adds the agent's OkHttp interceptor to an app's OkHttp client through the interceptor copy that links to the app's
 * OkHttp: the agent's own for a class path app, one defined beside OkHttp in a Spring Boot executable jar or an
 * application server (AppLibrary). Linking to OkHttp happens only in that copy, never in this class.
 */
public final class InterceptorLoader {
    private InterceptorLoader() {
    }

    /**
     * {@code okHttpClient} (an {@code okhttp3.OkHttpClient} the transport of type {@code transportType} holds) with
     * the interceptor for {@code policy} added: a new client sharing its pools. Null when the client must stay as the
     * app built it (said in the log). Never throws.
     */
    public static Object decorate(Class<?> transportType, Object okHttpClient, RequestPolicy policy) {
        try {
            Class<?> interceptor = AppLibrary.helperFor(HelperSet.OKHTTP_INTERCEPTOR, transportType);
            if (interceptor == null) {
                return null; // said once by AppLibrary
            }
            return interceptor.getMethod("decorate", Object.class, RequestPolicy.class)
                    .invoke(null, okHttpClient, policy);
        } catch (Throwable t) {
            Throwable cause = t instanceof InvocationTargetException && t.getCause() != null ? t.getCause() : t;
            Log.warn("could not add the agent's interceptor to an OkHttp client; the transport is left as the app"
                    + " built it", cause);
            return null;
        }
    }
}
