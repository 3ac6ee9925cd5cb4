package dev.mcprefresh.core.http;

import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;

/**
 * The app's request with exactly one Authorization header, ours; it shares everything else with the original (body,
 * method, timeout, version) and takes its header set from {@link AuthorizedHeaders}.
 */
final class AuthorizedRequest extends RequestView {
    private final HttpHeaders headers;
    private final String authorization;

    AuthorizedRequest(HttpRequest request, String authorization, AuthorizedHeaders headerMaker) {
        super(appRequest(request));
        this.headers = headerMaker.of(original().headers(), authorization);
        this.authorization = authorization;
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
        return headers;
    }
}
