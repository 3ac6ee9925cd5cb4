package dev.mcprefresh.core.http;

import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;

/**
 * The app's request with exactly one Authorization header, ours; it shares everything else with the original (body,
 * method, timeout, version) and takes its header set from {@link AuthorizedHeaders}.
 *
 * <p>The header set is made from the original's each time it is asked for, never ahead: another agent may add headers
 * to the original's as the HTTP client reads them (the OpenTelemetry agent adds {@code traceparent} from the client
 * span current at that moment, inside {@code send}), and a set made before the send would lose them.
 */
final class AuthorizedRequest extends RequestView {
    private final String authorization;
    private final AuthorizedHeaders headerMaker;

    AuthorizedRequest(HttpRequest request, String authorization, AuthorizedHeaders headerMaker) {
        super(appRequest(request));
        this.authorization = authorization;
        this.headerMaker = headerMaker;
    }

    /** The Authorization value this request carries: ours. */
    String authorization() {
        return authorization;
    }

    /** The request as the app (or a redirect) made it, before our header; a replay never stacks views. */
    static HttpRequest appRequest(HttpRequest request) {
        return request instanceof AuthorizedRequest ? ((AuthorizedRequest) request).original() : request;
    }

    @Override
    public HttpHeaders headers() {
        return headerMaker.of(original().headers(), authorization);
    }
}
