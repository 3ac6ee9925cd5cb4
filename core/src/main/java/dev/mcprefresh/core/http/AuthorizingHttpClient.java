package dev.mcprefresh.core.http;

import dev.mcprefresh.core.log.Log;
import dev.mcprefresh.core.session.Credentials;
import dev.mcprefresh.core.session.ServerMatcher;
import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * A {@link HttpClient} that gives every request to its MCP server the current token, replacing any Authorization
 * header the app set, and replays a request rejected with 401 once with a fresh token. Requests to any other origin
 * pass through untouched. When no token can be had, requests go out exactly as the app built them.
 */
public final class AuthorizingHttpClient extends HttpClient {
    private final HttpClient delegate;
    private final Credentials credentials;
    private final String scheme;
    private final String host;
    private final int port;
    private final AuthorizedHeaders headerMaker = new AuthorizedHeaders();
    private final InsufficientScopeNotice scopeNotice;

    private AuthorizingHttpClient(HttpClient delegate, Credentials credentials, URI serverUrl) {
        this.delegate = delegate;
        this.credentials = credentials;
        this.scheme = serverUrl.getScheme().toLowerCase(Locale.ROOT);
        this.host = serverUrl.getHost();
        this.port = serverUrl.getPort() != -1 ? serverUrl.getPort() : ("https".equals(scheme) ? 443 : 80);
        this.scopeNotice = new InsufficientScopeNotice(serverUrl.toString());
    }

    /** Wraps {@code delegate}; wrapping an already wrapped client returns it unchanged. */
    public static HttpClient wrap(HttpClient delegate, Credentials credentials, URI serverUrl) {
        if (delegate instanceof AuthorizingHttpClient) {
            return delegate;
        }
        return new AuthorizingHttpClient(delegate, credentials, serverUrl);
    }

    public HttpClient delegate() {
        return delegate;
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        return sendAsync(request, handler, null);
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler,
            HttpResponse.PushPromiseHandler<T> push) {
        if (!ServerMatcher.sameOrigin(request.uri(), scheme, host, port)) {
            return delegate.sendAsync(request, handler, push);
        }
        CompletableFuture<String> fresh;
        try {
            String header = credentials.header();
            if (header != null) {
                return exchange(request, handler, push, header);
            }
            fresh = credentials.freshHeader();
        } catch (Throwable t) {
            return passThrough(request, handler, push, t);
        }
        // Each waiting request continues on the pool, not in a row on the one thread that did the refresh.
        return fresh.thenComposeAsync(h -> sendWith(h, request, handler, push), continuations());
    }

    private <T> CompletableFuture<HttpResponse<T>> sendWith(String header, HttpRequest request,
            HttpResponse.BodyHandler<T> handler, HttpResponse.PushPromiseHandler<T> push) {
        try {
            return header == null ? delegate.sendAsync(request, handler, push) : exchange(request, handler, push, header);
        } catch (Throwable t) {
            return passThrough(request, handler, push, t);
        }
    }

    private Executor continuations() {
        Optional<Executor> own = delegate.executor();
        return own.isPresent() ? own.get() : ForkJoinPool.commonPool();
    }

    /** Fail open: anything of ours that breaks leaves the request exactly as the app built it. */
    private <T> CompletableFuture<HttpResponse<T>> passThrough(HttpRequest request, HttpResponse.BodyHandler<T> handler,
            HttpResponse.PushPromiseHandler<T> push, Throwable cause) {
        Log.warn("could not authorize a request; it goes out as the app built it", cause);
        return delegate.sendAsync(request, handler, push);
    }

    private <T> CompletableFuture<HttpResponse<T>> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler,
            HttpResponse.PushPromiseHandler<T> push, String header) {
        HttpRequest authorized = authorize(request, header);
        if (!Resendable.check(request)) {
            return delegate.sendAsync(authorized, handler, push);
        }
        Exchange<T> exchange = new Exchange<>(handler, scopeNotice);
        exchange.track(delegate.sendAsync(authorized, exchange, push)).whenComplete((response, failure) -> {
            if (failure != null || !exchange.wasUnauthorized()) {
                exchange.settle(response, failure);
                return;
            }
            try {
                replay(request, handler, push, header, exchange, response).whenComplete(exchange::settle);
            } catch (Throwable t) {
                // Never leave the app's future pending: it gets the 401 as the server sent it.
                Log.warn("could not replay a rejected request; the app gets the server's 401", t);
                try {
                    exchange.unauthorizedForApp(response).whenComplete(exchange::settle);
                } catch (Throwable decodeFailure) {
                    exchange.completeExceptionally(decodeFailure);
                }
            }
        });
        return exchange;
    }

    private <T> CompletableFuture<HttpResponse<T>> replay(HttpRequest request, HttpResponse.BodyHandler<T> handler,
            HttpResponse.PushPromiseHandler<T> push, String rejectedHeader, Exchange<T> exchange,
            HttpResponse<T> rejected) {
        return credentials.onUnauthorized(rejectedHeader).thenCompose(fresh -> {
            if (fresh == null) {
                return exchange.unauthorizedForApp(rejected);
            }
            CompletableFuture<HttpResponse<T>> second = exchange.track(
                    delegate.sendAsync(authorize(request, fresh), handler, push));
            return second.thenApply(r -> {
                if (r.statusCode() == 401) {
                    credentials.freshTokenRejected(fresh);
                }
                return r;
            });
        });
    }

    private HttpRequest authorize(HttpRequest request, String header) {
        // setHeader semantics: every Authorization value the app or a library added is replaced by exactly one.
        return new AuthorizedRequest(request, header, headerMaker);
    }

    @Override
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException {
        if (!ServerMatcher.sameOrigin(request.uri(), scheme, host, port)) {
            return delegate.send(request, handler);
        }
        // A blocking caller that needs a fresh token waits for it on its own thread and sends its own request: when
        // many threads meet an expired token together, the refresh thread does not send all their requests in a row.
        CompletableFuture<HttpResponse<T>> future;
        try {
            String header = credentials.header();
            future = sendWith(header != null ? header : credentials.freshHeader().get(), request, handler, null);
        } catch (InterruptedException e) {
            throw e;
        } catch (Throwable t) {
            future = passThrough(request, handler, null, t);
        }
        try {
            return future.get();
        } catch (InterruptedException e) {
            future.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof CompletionException && e.getCause().getCause() != null
                    ? e.getCause().getCause() : e.getCause();
            if (cause instanceof IOException) {
                throw (IOException) cause;
            }
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            throw new IOException(cause);
        }
    }

    @Override
    public Optional<CookieHandler> cookieHandler() {
        return delegate.cookieHandler();
    }

    @Override
    public Optional<Duration> connectTimeout() {
        return delegate.connectTimeout();
    }

    @Override
    public Redirect followRedirects() {
        return delegate.followRedirects();
    }

    @Override
    public Optional<ProxySelector> proxy() {
        return delegate.proxy();
    }

    @Override
    public SSLContext sslContext() {
        return delegate.sslContext();
    }

    @Override
    public SSLParameters sslParameters() {
        return delegate.sslParameters();
    }

    @Override
    public Optional<Authenticator> authenticator() {
        return delegate.authenticator();
    }

    @Override
    public Version version() {
        return delegate.version();
    }

    @Override
    public Optional<Executor> executor() {
        return delegate.executor();
    }

    @Override
    public WebSocket.Builder newWebSocketBuilder() {
        return delegate.newWebSocketBuilder();
    }

    // JDK 21 added these lifecycle methods to HttpClient; on 17 they are plain methods. They reach the delegate
    // reflectively so that closing the decorated client closes the real one.

    public void shutdown() {
        JdkLifecycle.invoke(delegate, "shutdown");
    }

    public void shutdownNow() {
        JdkLifecycle.invoke(delegate, "shutdownNow");
    }

    public boolean awaitTermination(Duration duration) throws InterruptedException {
        return JdkLifecycle.awaitTermination(delegate, duration);
    }

    public boolean isTerminated() {
        return JdkLifecycle.isTerminated(delegate);
    }

    public void close() {
        JdkLifecycle.invoke(delegate, "close");
    }
}
