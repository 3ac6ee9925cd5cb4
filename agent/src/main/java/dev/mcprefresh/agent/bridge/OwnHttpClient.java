package dev.mcprefresh.agent.bridge;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.http.HttpClient;

/**
 * A transport's own {@code HttpClient} field, read as the unpatched class would: the bridge's last resort when the
 * hooks cannot answer. The field is the one instance field of that type the class declares (the patcher only
 * substitutes reads of such a field, and checks the class can be read so before it patches), found from the top of
 * the class's lineage down, so an app's subclass with a client field of its own does not shadow the library's.
 */
final class OwnHttpClient {
    private static final ClassValue<Field> FIELD = new ClassValue<>() {
        @Override
        protected Field computeValue(Class<?> type) {
            // From the top down: the patched class is the library's, and an app's subclass sits below it.
            java.util.List<Class<?>> lineage = new java.util.ArrayList<>();
            for (Class<?> c = type; c != null; c = c.getSuperclass()) {
                lineage.add(0, c);
            }
            for (Class<?> c : lineage) {
                for (Field f : c.getDeclaredFields()) {
                    if (f.getType() == HttpClient.class && !Modifier.isStatic(f.getModifiers())) {
                        f.setAccessible(true);
                        return f;
                    }
                }
            }
            throw new IllegalStateException(type.getName() + " has no HttpClient field");
        }
    };

    private OwnHttpClient() {
    }

    static HttpClient of(Object owner) {
        try {
            return (HttpClient) FIELD.get(owner.getClass()).get(owner);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
