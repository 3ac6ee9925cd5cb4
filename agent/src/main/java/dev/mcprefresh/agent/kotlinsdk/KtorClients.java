package dev.mcprefresh.agent.kotlinsdk;

import dev.mcprefresh.agent.inject.HelperSet;
import dev.mcprefresh.agent.instrument.AppLibrary;
import dev.mcprefresh.core.http.RequestPolicy;
import dev.mcprefresh.core.log.Log;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;

/**
 * The agent's side of an app's Ktor {@code HttpClient}, by reflection only (no Ktor type is linked here): adding the
 * interceptor through the copy of it that links to the app's Ktor, and reading whether the client already refreshes
 * its own tokens.
 */
final class KtorClients {
    private static final String AUTH_PLUGIN = "Auth";
    private static final String BEARER = "io.ktor.client.plugins.auth.providers.BearerAuthProvider";

    private KtorClients() {
    }

    /** Adds {@code policy}'s server to the client's interceptor; false when it cannot be had (said once). */
    static boolean serve(Object client, RequestPolicy policy) throws ReflectiveOperationException {
        Class<?> interceptor = AppLibrary.helperFor(HelperSet.KTOR_SEND_INTERCEPTOR, client.getClass());
        if (interceptor == null) {
            return false; // said once by AppLibrary
        }
        try {
            interceptor.getMethod("serve", Object.class, RequestPolicy.class).invoke(null, client, policy);
        } catch (InvocationTargetException e) {
            Log.warn("could not add the agent's interceptor to a Ktor client; the transport is left as the app built"
                    + " it", e.getCause() != null ? e.getCause() : e);
            return false;
        }
        return true;
    }

    /**
     * What in the client refreshes tokens already, or null. Ktor's Auth plugin with a bearer provider whose
     * {@code refreshTokens} is the app's (Ktor's default answers null: a static token, which the agent serves), or
     * with any other provider (the app authenticates its own way). A client that cannot be read counts as refreshing:
     * standing down is the safe mistake.
     */
    static String refreshingAuth(Object client) {
        try {
            Object auth = installedPlugin(client, AUTH_PLUGIN);
            if (auth == null) {
                return null;
            }
            Object config = field(auth, "config");
            for (Object provider : (List<?>) config.getClass().getMethod("getProviders").invoke(config)) {
                if (!provider.getClass().getName().equals(BEARER)) {
                    return "Ktor's Auth plugin with " + provider.getClass().getSimpleName();
                }
                Object refresh = field(provider, "refreshTokens");
                if (refresh != null && !refresh.getClass().getName().startsWith("io.ktor.")) {
                    return "Ktor's Auth plugin, bearer with refreshTokens";
                }
            }
            return null;
        } catch (Throwable t) {
            Log.debug("could not read a Ktor client's Auth plugin: " + t);
            return "Ktor's Auth plugin, whose providers cannot be read";
        }
    }

    /** The instance of the client's plugin named {@code name} (its key's name), or null when not installed. */
    private static Object installedPlugin(Object client, String name) throws ReflectiveOperationException {
        ClassLoader loader = client.getClass().getClassLoader();
        Object listKey = Class.forName("io.ktor.client.plugins.HttpClientPluginKt", false, loader)
                .getMethod("getPLUGIN_INSTALLED_LIST").invoke(null);
        Object attributes = client.getClass().getMethod("getAttributes").invoke(client);
        Class<?> attributeKey = Class.forName("io.ktor.util.AttributeKey", false, loader);
        Method getOrNull = attributes.getClass().getMethod("getOrNull", attributeKey);
        getOrNull.setAccessible(true);
        Object installed = getOrNull.invoke(attributes, listKey);
        if (installed == null) {
            return null;
        }
        Method allKeys = installed.getClass().getMethod("getAllKeys");
        allKeys.setAccessible(true);
        Method keyName = attributeKey.getMethod("getName");
        for (Object key : (List<?>) allKeys.invoke(installed)) {
            if (name.equals(keyName.invoke(key))) {
                return getOrNull.invoke(installed, key);
            }
        }
        return null;
    }

    private static Object field(Object owner, String name) throws ReflectiveOperationException {
        for (Class<?> c = owner.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                return f.get(owner);
            } catch (NoSuchFieldException absent) {
                // a superclass
            }
        }
        throw new NoSuchFieldException(owner.getClass().getName() + "." + name);
    }
}
