package dev.mcprefresh.agent.instrument;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;

/**
 * Finds a token provider that already refreshes (spring-ai-community mcp-security's request customizers and filters,
 * Spring Security's OAuth2 client filters) behind what the app gave a transport: the object itself, or what a
 * library's wrapper or a lambda captured around it (the SDK wraps a sync customizer in an async one). The agent
 * stands down for such a transport rather than fight it for the Authorization header.
 */
public final class RefreshAwareProviders {
    private static final String[] PREFIXES = {"org.springaicommunity.mcp.security.",
        "org.springframework.security.oauth2.client."};
    /** Wrappers worth looking into: the MCP client libraries' own classes and lambdas. */
    private static final String[] WRAPPERS = {"io.modelcontextprotocol.", "org.springframework.ai.", "dev.langchain4j."};
    private static final int MAX_DEPTH = 3;

    private RefreshAwareProviders() {
    }

    /** The class name of a refresh-aware provider in {@code root}'s captured graph, or null. */
    public static String find(Object root) {
        return find(root, 0);
    }

    /** True when {@code className} is a refresh-aware provider. */
    public static boolean isRefreshAware(String className) {
        for (String prefix : PREFIXES) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private static String find(Object o, int depth) {
        if (o == null) {
            return null;
        }
        Class<?> type = o.getClass();
        if (isRefreshAware(type.getName())) {
            return type.getName();
        }
        if (depth >= MAX_DEPTH) {
            return null;
        }
        if (o instanceof Iterable) { // a list of customizers or filters
            int seen = 0;
            for (Object element : (Iterable<?>) o) {
                String found = find(element, depth + 1);
                if (found != null || ++seen == 32) {
                    return found;
                }
            }
            return null;
        }
        if (!(type.isSynthetic() || type.getName().contains("$$Lambda") || isWrapper(type))) {
            return null;
        }
        for (Field f : type.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) {
                continue;
            }
            try {
                f.setAccessible(true);
                String found = find(f.get(o), depth + 1);
                if (found != null) {
                    return found;
                }
            } catch (ReflectiveOperationException | RuntimeException e) {
                // an encapsulated field: nothing to learn there
            }
        }
        return null;
    }

    private static boolean isWrapper(Class<?> type) {
        for (String prefix : WRAPPERS) {
            if (type.getName().startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
