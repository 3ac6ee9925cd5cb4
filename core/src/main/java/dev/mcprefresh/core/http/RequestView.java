package dev.mcprefresh.core.http;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Optional;

/**
 * The app's request read through: every part comes from the original as it is asked for, unless a subclass replaces
 * it. Copying through {@code HttpRequest.newBuilder} would build the header map twice per request, and this is the
 * per-request path, so subclasses keep only what they change.
 */
abstract class RequestView extends HttpRequest {
    private final HttpRequest original;

    RequestView(HttpRequest original) {
        this.original = original;
    }

    /** The request this view reads through. */
    final HttpRequest original() {
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
    public final Optional<Duration> timeout() {
        return original.timeout();
    }

    @Override
    public final boolean expectContinue() {
        return original.expectContinue();
    }

    @Override
    public URI uri() {
        return original.uri();
    }

    @Override
    public final Optional<HttpClient.Version> version() {
        return original.version();
    }

    @Override
    public HttpHeaders headers() {
        return original.headers();
    }
}
