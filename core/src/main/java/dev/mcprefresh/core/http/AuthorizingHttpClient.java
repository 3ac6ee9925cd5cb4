package dev.mcprefresh.core.http;

import dev.mcprefresh.core.log.Log;
import dev.mcprefresh.core.session.Credentials;
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
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * A {@link HttpClient} for one MCP transport that gives each request to its MCP server the current token of the
 * identity the app's own header names, replacing every Authorization header the app or library set, and replays a
 * request rejected with 401 once with a fresh token ({@link RequestPolicy}). It follows redirects itself, per the
 * app's own redirect policy, so a hop to another origin carries no Authorization header. Requests the policy does not
 * cover go out exactly as the app built them.
 */
public final class AuthorizingHttpClient extends HttpClient {
    private final HttpClient delegate;
    private final RequestPolicy policy;
    private final Redirect appRedirect;
    /**
     * The app's own client when a twin that does not follow redirects sends for it, else null. It may stay reachable
     * (a transport whose field keeps it and reads the decorated client through the agent): closing this client closes
     * it too, so the app's close still ends its selector thread.
     */
    private final HttpClient replaced;
    private final AuthorizedHeaders headerMaker = new AuthorizedHeaders();

    private AuthorizingHttpClient(HttpClient delegate, RequestPolicy policy, Redirect appRedirect,
            HttpClient replaced) {
        this.delegate = delegate;
        this.policy = policy;
        this.appRedirect = appRedirect;
        this.replaced = replaced;
    }

    /**
     * Wraps a client built by the app or a library; wrapping an already wrapped client returns it unchanged. A client
     * that follows redirects itself would carry headers across origins unseen, so it is replaced by a twin that does
     * not ({@link NoRedirectTwin}), and the decorator follows them instead.
     */
    public static HttpClient wrap(HttpClient delegate, RequestPolicy policy) {
        if (delegate instanceof AuthorizingHttpClient) {
            return delegate;
        }
        Redirect appRedirect = delegate.followRedirects();
        if (appRedirect == Redirect.NEVER) {
            return new AuthorizingHttpClient(delegate, policy, appRedirect, null);
        }
        return new AuthorizingHttpClient(NoRedirectTwin.of(delegate), policy, appRedirect, delegate);
    }

    /** Wraps a client built with redirects off, for an app whose own policy is {@code appRedirect}. */
    static HttpClient wrapNonFollowing(HttpClient delegate, RequestPolicy policy, Redirect appRedirect) {
        return new AuthorizingHttpClient(delegate, policy, appRedirect, null);
    }

    public HttpClient delegate() {
        return delegate;
    }

    /** The policy of the transport this client belongs to. */
    public RequestPolicy policy() {
        return policy;
    }

    Redirect appRedirectPolicy() {
        return appRedirect;
    }

    HttpRequest authorize(HttpRequest request, String header) {
        // setHeader semantics: every Authorization value the app or a library added is replaced by exactly one.
        return new AuthorizedRequest(request, header, headerMaker);
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        return sendAsync(request, handler, null);
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler,
            HttpResponse.PushPromiseHandler<T> push) {
        Exchange<T> exchange;
        CompletableFuture<String> fresh;
        try {
            Credentials credentials = credentialsFor(request);
            exchange = new Exchange<>(this, request, handler, push);
            String header = credentials == null ? null : credentials.header();
            if (credentials == null || header != null) {
                return exchange.start(header);
            }
            fresh = credentials.freshHeader();
        } catch (Throwable t) {
            return passThrough(request, handler, push, t);
        }
        // Each waiting request continues on the pool, not in a row on the one thread that did the refresh.
        Exchange<T> waiting = exchange;
        fresh.whenCompleteAsync((h, failure) -> startWaiting(waiting, failure == null ? h : null), continuations())
                .whenComplete((ignored, rejected) -> {
                    if (rejected != null && !waiting.isDone()) {
                        // The app's executor refused the continuation (shut down, or full): go on here.
                        startWaiting(waiting, fresh.isCompletedExceptionally() ? null : fresh.getNow(null));
                    }
                });
        return waiting;
    }

    private static <T> void startWaiting(Exchange<T> waiting, String header) {
        try {
            waiting.start(header);
        } catch (Throwable t) {
            waiting.completeExceptionally(t);
        }
    }

    /** The credentials for a request as the app built it: decided by its own header, once per header value. */
    Credentials credentialsFor(HttpRequest request) {
        List<String> app = request.headers().map().get("Authorization");
        return policy.credentialsFor(request.uri(), app == null || app.isEmpty() ? null : app.get(0));
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

    @Override
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException {
        // A blocking caller that needs a fresh token waits for it on its own thread and sends its own request: when
        // many threads meet an expired token together, the refresh thread does not send all their requests in a row.
        CompletableFuture<HttpResponse<T>> future;
        try {
            Credentials credentials = credentialsFor(request);
            String header = credentials == null ? null : credentials.header();
            if (credentials != null && header == null) {
                header = credentials.freshHeader().get();
            }
            future = new Exchange<>(this, request, handler, null).start(header);
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
        return appRedirect; // what the app asked for; the decorator follows redirects itself
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
        policy.transportClosed();
        JdkLifecycle.invoke(delegate, "shutdown");
        closeReplaced("shutdown");
    }

    public void shutdownNow() {
        policy.transportClosed();
        JdkLifecycle.invoke(delegate, "shutdownNow");
        closeReplaced("shutdownNow");
    }

    public boolean awaitTermination(Duration duration) throws InterruptedException {
        return JdkLifecycle.awaitTermination(delegate, duration);
    }

    public boolean isTerminated() {
        return JdkLifecycle.isTerminated(delegate);
    }

    public void close() {
        policy.transportClosed();
        JdkLifecycle.invoke(delegate, "close");
        closeReplaced("close");
    }

    private void closeReplaced(String method) {
        if (replaced != null) {
            JdkLifecycle.invoke(replaced, method);
        }
    }
}
