package dev.mcprefresh.core.http;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.http.HttpClient;
import java.time.Duration;

/** Calls HttpClient methods that exist from JDK 21 on (close, shutdown, ...) when the running JDK has them. */
final class JdkLifecycle {
    private JdkLifecycle() {
    }

    static void invoke(HttpClient client, String name) {
        call(client, name, new Class<?>[0]);
    }

    static boolean isTerminated(HttpClient client) {
        Object r = call(client, "isTerminated", new Class<?>[0]);
        return Boolean.TRUE.equals(r);
    }

    static boolean awaitTermination(HttpClient client, Duration d) throws InterruptedException {
        try {
            Method m = HttpClient.class.getMethod("awaitTermination", Duration.class);
            return Boolean.TRUE.equals(m.invoke(client, d));
        } catch (NoSuchMethodException e) {
            return false;
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof InterruptedException) {
                throw (InterruptedException) e.getCause();
            }
            throw rethrow(e.getCause());
        } catch (IllegalAccessException e) {
            return false;
        }
    }

    private static Object call(HttpClient client, String name, Class<?>[] types, Object... args) {
        try {
            Method m = HttpClient.class.getMethod(name, types);
            return m.invoke(client, args);
        } catch (NoSuchMethodException | IllegalAccessException e) {
            return null; // JDK 17-20: nothing to close
        } catch (InvocationTargetException e) {
            throw rethrow(e.getCause());
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException) {
            return (RuntimeException) t;
        }
        if (t instanceof Error) {
            throw (Error) t;
        }
        return new IllegalStateException(t);
    }
}
