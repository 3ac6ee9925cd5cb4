package dev.mcprefresh.agent.sdk;

import dev.mcprefresh.agent.library.LibraryField;
import dev.mcprefresh.core.log.Log;
import java.net.URI;
import java.net.http.HttpClient;

/**
 * The SDK builder fields the hook needs, checked by name and type. Stable from SDK 0.9 to 2.1: {@code clientBuilder}
 * (HttpClient.Builder, not final: the builder path writes no final field), {@code baseUri} (String) and
 * {@code endpoint} (Streamable) or {@code sseEndpoint} (SSE).
 */
final class BuilderFields {
    private static final ClassValue<BuilderFields> CACHE = new ClassValue<>() {
        @Override
        protected BuilderFields computeValue(Class<?> type) {
            return resolve(type);
        }
    };

    private final LibraryField clientBuilder;
    private final LibraryField baseUri;
    private final LibraryField endpoint;

    private BuilderFields(LibraryField clientBuilder, LibraryField baseUri, LibraryField endpoint) {
        this.clientBuilder = clientBuilder;
        this.baseUri = baseUri;
        this.endpoint = endpoint;
    }

    /** Null (logged once per class) when the builder lacks the expected members. */
    static BuilderFields of(Class<?> type) {
        return CACHE.get(type);
    }

    private static BuilderFields resolve(Class<?> type) {
        try {
            LibraryField client = LibraryField.find(type, "java.net.http.HttpClient$Builder", "clientBuilder");
            LibraryField base = LibraryField.find(type, "java.lang.String", "baseUri");
            LibraryField path = LibraryField.find(type, "java.lang.String", "endpoint", "sseEndpoint");
            if (client == null || base == null || path == null || !client.writable()) {
                Log.warn("skipping " + type.getName() + ": it lacks the SDK's clientBuilder/baseUri/endpoint fields"
                        + " (a fork or an unsupported version?); its transports are left as they are");
                return null;
            }
            return new BuilderFields(client, base, path);
        } catch (RuntimeException e) {
            Log.warn("skipping " + type.getName() + ": its fields cannot be reached (" + e.getClass().getSimpleName()
                    + "; a named module that does not open its package?)");
            return null;
        }
    }

    HttpClient.Builder clientBuilder(Object builder) throws IllegalAccessException {
        return (HttpClient.Builder) clientBuilder.get(builder);
    }

    void setClientBuilder(Object builder, HttpClient.Builder value) throws IllegalAccessException {
        clientBuilder.set(builder, value);
    }

    /** The MCP URL the transport will use: the base URI resolved against its endpoint path. */
    URI serverUrl(Object builder) throws IllegalAccessException {
        String base = (String) baseUri.get(builder);
        String path = (String) endpoint.get(builder);
        if (base == null) {
            return null;
        }
        URI baseUri = URI.create(base);
        return path == null || path.isEmpty() ? baseUri : baseUri.resolve(path);
    }
}
