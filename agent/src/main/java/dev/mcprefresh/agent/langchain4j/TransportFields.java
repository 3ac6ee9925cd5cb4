package dev.mcprefresh.agent.langchain4j;

import dev.mcprefresh.agent.library.LibraryField;
import dev.mcprefresh.core.log.Log;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.util.Map;

/**
 * The members of a LangChain4j HTTP transport the hooks read: its client ({@code httpClient}, java.net.http, or the
 * legacy transport's OkHttp {@code client}), its URL ({@code url} or {@code sseUrl}) and the app's custom headers
 * ({@code customHeaders}, a Map in 1.4 to 1.8, or {@code customHeadersSupplier}).
 */
final class TransportFields {
    private static final ClassValue<TransportFields> CACHE = new ClassValue<>() {
        @Override
        protected TransportFields computeValue(Class<?> type) {
            return new TransportFields(type);
        }
    };
    /** LangChain4j's own suppliers (the map given to customHeaders(Map), or none) are constants. */
    private static final String OWN_SUPPLIERS = "dev.langchain4j.mcp.client.transport.";

    final LibraryField client;
    final LibraryField url;
    final LibraryField headers;

    private TransportFields(Class<?> type) {
        LibraryField http = LibraryField.find(type, "java.net.http.HttpClient", "httpClient");
        client = http != null ? http : LibraryField.find(type, "okhttp3.OkHttpClient", "client");
        url = LibraryField.find(type, "java.lang.String", "url", "sseUrl");
        // A Map in 1.4 to 1.8; a supplier since, whose type changed between releases.
        headers = LibraryField.find(type, null, "customHeadersSupplier", "customHeaders");
        if (client == null || url == null) {
            Log.warn("skipping LangChain4j transports of " + type.getName() + ": it lacks the client and URL fields of"
                    + " the versions the agent knows (a newer version?); they work as they would without the agent");
        }
    }

    static TransportFields of(Class<?> type) {
        return CACHE.get(type);
    }

    URI url(Object transport) throws IllegalAccessException {
        String u = url == null ? null : (String) url.get(transport);
        return u == null ? null : URI.create(u);
    }

    /** The app's own headers supplier when it may manage tokens itself (not a map), as a class name; else null. */
    String appsOwnHeaders(Object transport) throws IllegalAccessException {
        Object h = headers == null ? null : headers.get(transport);
        return isConstant(h, 0) ? null : h.getClass().getName();
    }

    /**
     * True for headers the app gave as a map: the map itself (1.4 to 1.8), or LangChain4j's own supplier around it
     * (1.9 on, also its empty default). LangChain4j's supplier around a supplier the app wrote is not constant.
     */
    static boolean isConstant(Object headers, int depth) {
        if (headers == null || headers instanceof Map) {
            return true;
        }
        if (depth > 2 || !headers.getClass().getName().startsWith(OWN_SUPPLIERS)) {
            return false;
        }
        for (Field captured : headers.getClass().getDeclaredFields()) {
            if (Modifier.isStatic(captured.getModifiers())) {
                continue;
            }
            try {
                captured.setAccessible(true);
                if (!isConstant(captured.get(headers), depth + 1)) {
                    return false;
                }
            } catch (ReflectiveOperationException | RuntimeException e) {
                return false; // cannot tell: assume the app manages it
            }
        }
        return true;
    }

    static String standDownLine(String url, String supplier) {
        return "the app gives its LangChain4j MCP transport to " + url + " its own headers supplier (" + supplier
                + "), which may manage tokens itself: the agent leaves that transport alone. To have the agent keep"
                + " its token fresh, pass the header as a map (customHeaders(Map))";
    }
}
