package dev.mcprefresh.agent.spring.webflux;

import java.lang.reflect.Method;
import java.net.URI;
import org.springframework.http.client.reactive.ClientHttpRequest;
import org.springframework.web.reactive.function.client.ClientRequest;

/**
 * The URL the last hop of one exchange went to. Spring calls a request's {@code httpRequest} callback for every hop a
 * connector sends, redirects included (Reactor Netty re-sends through the same callback), and Reactor Netty's native
 * request knows its own URL ({@code resourceUrl()}, reached reflectively: the agent does not link to Reactor Netty).
 * Another connector, or one that does not tell: unknown, and the request's own URL stands.
 */
final class LastHop {
    private volatile String url;

    ClientRequest track(ClientRequest request) {
        return ClientRequest.from(request).httpRequest(this::record).build();
    }

    private void record(ClientHttpRequest hop) {
        try {
            Object nativeRequest = hop.getNativeRequest();
            Method resourceUrl = nativeRequest.getClass().getMethod("resourceUrl");
            resourceUrl.setAccessible(true);
            Object value = resourceUrl.invoke(nativeRequest);
            url = value instanceof String ? (String) value : null;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            url = null;
        }
    }

    /** The last hop's URL, or {@code fallback} when it is not known. */
    URI url(URI fallback) {
        String u = url;
        if (u == null) {
            return fallback;
        }
        try {
            return URI.create(u);
        } catch (IllegalArgumentException e) {
            return fallback;
        }
    }
}
