package dev.mcprefresh.core.http;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Optional;

/**
 * The app's request with exactly one Authorization header, ours. It shares everything else with the original (body,
 * method, timeout, version) and takes its header set from {@link AuthorizedHeaders}, where copying through
 * {@code HttpRequest.newBuilder} would build the header map twice per request: this is the per-request path.
 */
final class AuthorizedRequest extends HttpRequest {
    private final HttpRequest original;
    private final HttpHeaders headers;

    AuthorizedRequest(HttpRequest request, String authorization, AuthorizedHeaders headerMaker) {
        this.original = request instanceof AuthorizedRequest ? ((AuthorizedRequest) request).original : request;
        this.headers = headerMaker.of(original.headers(), authorization);
    }

    /** The request as the app built it. */
    HttpRequest original() {
        return original;
    }

    @Override
    public Optional<BodyPublisher> bodyPublisher() {
        return original.bodyPublisher();
    }

    @Override
    public String method() {
        return original.method();
    }

    @Override
    public Optional<Duration> timeout() {
        return original.timeout();
    }

    @Override
    public boolean expectContinue() {
        return original.expectContinue();
    }

    @Override
    public URI uri() {
        return original.uri();
    }

    @Override
    public Optional<HttpClient.Version> version() {
        return original.version();
    }

    @Override
    public HttpHeaders headers() {
        return headers;
    }
}
