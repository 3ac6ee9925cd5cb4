package dev.mcprefresh.core.http;

import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;

/**
 * The app's request with exactly one Authorization header, ours; it shares everything else with the original (body,
 * method, timeout, version) and takes its header set from {@link AuthorizedHeaders}.
 */
final class AuthorizedRequest extends RequestView {
    private final HttpHeaders headers;

    AuthorizedRequest(HttpRequest request, String authorization, AuthorizedHeaders headerMaker) {
        super(appRequest(request));
        this.headers = headerMaker.of(original().headers(), authorization);
    }

    /** A request authorized again (a replay) is the app's request with another token, never a view of a view. */
    private static HttpRequest appRequest(HttpRequest request) {
        return request instanceof AuthorizedRequest ? ((AuthorizedRequest) request).original() : request;
    }

    @Override
    public HttpHeaders headers() {
        return headers;
    }
}
