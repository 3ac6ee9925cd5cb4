package dev.mcprefresh.agent.sdk;

import dev.mcprefresh.agent.library.HttpClientView;
import dev.mcprefresh.agent.library.LibraryField;
import dev.mcprefresh.core.log.Log;
import dev.mcprefresh.core.session.CredentialsRegistry;
import java.net.URI;
import java.util.function.Supplier;

/**
 * After a late attach: an SDK transport built before the agent came holds the undecorated client in its final
 * {@code httpClient}. Its reads of that field go through the bridge, and this view answers them with the decorated
 * client when the store has its server (a transport built after the agent started already holds a decorated one).
 */
final class RunningTransportClients extends HttpClientView {
    private static final ClassValue<TransportFields> FIELDS = new ClassValue<>() {
        @Override
        protected TransportFields computeValue(Class<?> type) {
            return new TransportFields(type);
        }
    };

    RunningTransportClients(Supplier<CredentialsRegistry> registry) {
        super("MCP transport", registry);
    }

    @Override
    protected LibraryField clientField(Class<?> transportType) {
        return FIELDS.get(transportType).client;
    }

    @Override
    protected URI transportUrl(Object transport) throws ReflectiveOperationException {
        TransportFields f = FIELDS.get(transport.getClass());
        URI base = f.baseUri == null ? null : (URI) f.baseUri.get(transport);
        String path = f.endpoint == null ? null : (String) f.endpoint.get(transport);
        return base == null ? null : path == null || path.isEmpty() ? base : base.resolve(path);
    }

    @Override
    protected String attachedLine(String url, String tokenSource) {
        return "a running MCP transport to " + url + " now takes its tokens from " + tokenSource;
    }

    /** A transport's {@code httpClient}, {@code baseUri} (URI) and {@code endpoint} or {@code sseEndpoint}. */
    private static final class TransportFields {
        final LibraryField client;
        final LibraryField baseUri;
        final LibraryField endpoint;

        TransportFields(Class<?> type) {
            client = LibraryField.find(type, "java.net.http.HttpClient", "httpClient");
            baseUri = LibraryField.find(type, "java.net.URI", "baseUri");
            endpoint = LibraryField.find(type, "java.lang.String", "endpoint", "sseEndpoint");
            if (client == null || baseUri == null || endpoint == null) {
                Log.warn("skipping running transports of " + type.getName() + ": it lacks the SDK's httpClient/"
                        + "baseUri/endpoint fields (a fork or an unsupported version?)");
            }
        }
    }
}
