package dev.mcprefresh.core.http;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import javax.net.ssl.SSLSession;

/** A response whose body was buffered by us and then decoded by the app's own handler. */
final class BufferedResponse<T> implements HttpResponse<T> {
    private final HttpResponse<?> original;
    private final T body;

    BufferedResponse(HttpResponse<?> original, T body) {
        this.original = original;
        this.body = body;
    }

    @Override
    public int statusCode() {
        return original.statusCode();
    }

    @Override
    public HttpRequest request() {
        return original.request();
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Optional<HttpResponse<T>> previousResponse() {
        return (Optional) original.previousResponse();
    }

    @Override
    public HttpHeaders headers() {
        return original.headers();
    }

    @Override
    public T body() {
        return body;
    }

    @Override
    public Optional<SSLSession> sslSession() {
        return original.sslSession();
    }

    @Override
    public URI uri() {
        return original.uri();
    }

    @Override
    public HttpClient.Version version() {
        return original.version();
    }
}
