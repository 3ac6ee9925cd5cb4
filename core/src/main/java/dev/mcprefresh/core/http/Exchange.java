package dev.mcprefresh.core.http;

import dev.mcprefresh.core.log.Log;
import dev.mcprefresh.core.session.Credentials;
import java.net.URI;
import java.net.http.HttpResponse;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * One app request through the decorator, and the future the app holds for it. It sends hop after hop: the request,
 * the redirects the app's policy follows ({@link Redirects}), and at most one replay after a 401 from the own origin.
 * Its body handler passes the final response to the app's handler; a redirect's body is discarded, and a 401's body is
 * kept: the app never sees that 401 if a fresh token can be had, and sees it byte for byte if not. Cancelling it
 * cancels the send in progress.
 */
final class Exchange<T> extends CompletableFuture<HttpResponse<T>> implements HttpResponse.BodyHandler<T> {
    /** 401 bodies are short error documents; at most this much is kept (the rest is not buffered). */
    static final int MAX_KEPT = 64 * 1024;

    private final AuthorizingHttpClient client;
    private final HttpRequest original;
    private final HttpResponse.BodyHandler<T> appHandler;
    private final HttpResponse.PushPromiseHandler<T> push;
    private final Credentials credentials;
    private final boolean resendable;
    private volatile CompletableFuture<?> inProgress;

    // The hop in flight (hops run one after another).
    private volatile HttpRequest hop;
    private volatile String header;
    private volatile int hops;
    private volatile boolean crossedOrigin;
    private volatile boolean replayed;
    private volatile URI redirectTo;
    private volatile HttpResponse.ResponseInfo unauthorized;
    private volatile byte[] unauthorizedBody;

    Exchange(AuthorizingHttpClient client, HttpRequest request, HttpResponse.BodyHandler<T> appHandler,
            HttpResponse.PushPromiseHandler<T> push, Credentials credentials) {
        this.client = client;
        this.original = request;
        this.appHandler = appHandler;
        this.push = push;
        this.credentials = credentials;
        this.resendable = Resendable.check(request);
    }

    /** Sends the request with {@code authorization} (null: as the app built it). */
    Exchange<T> start(String authorization) {
        header = authorization;
        send(original);
        return this;
    }

    private void send(HttpRequest request) {
        hop = request;
        redirectTo = null;
        unauthorized = null;
        HttpRequest wire = request;
        if (header != null && !crossedOrigin && client.policy().ownOrigin(request.uri())) {
            wire = client.authorize(request, header);
        }
        track(client.delegate().sendAsync(wire, this, push)).whenComplete(this::onResponse);
    }

    @Override
    public HttpResponse.BodySubscriber<T> apply(HttpResponse.ResponseInfo info) {
        int status = info.statusCode();
        if (status < 300) {
            return appHandler.apply(info); // the common case, with nothing to look at
        }
        HttpRequest request = hop;
        URI next = status < 400 ? Redirects.target(client.appRedirectPolicy(), request.uri(), status,
                info.headers().firstValue("Location")) : null;
        if (next != null && hops < Redirects.MAX_HOPS
                && (resendable || !Redirects.keepsBody(status, request.method()))) {
            redirectTo = next;
            return HttpResponse.BodySubscribers.replacing(null);
        }
        boolean ours = header != null && !crossedOrigin && client.policy().ownOrigin(request.uri());
        if (ours && (status == 401 || status == 403)
                && client.policy().refreshOn(status, request.uri(), info.headers().allValues("WWW-Authenticate"))
                && !replayed && resendable) {
            unauthorized = info;
            return new BoundedBody<>(MAX_KEPT, bytes -> unauthorizedBody = bytes);
        }
        return appHandler.apply(info);
    }

    private void onResponse(HttpResponse<T> response, Throwable failure) {
        try {
            if (failure != null) {
                completeExceptionally(failure);
            } else if (redirectTo != null) {
                URI to = redirectTo;
                HttpRequest from = hop;
                boolean cross = !RequestPolicy.keepsAuthorization(from.uri(), to);
                crossedOrigin |= cross;
                hops++;
                send(Redirects.next(from, to, response.statusCode(), crossedOrigin));
            } else if (unauthorized != null) {
                replay(response);
            } else {
                if (replayed && response.statusCode() == 401 && header != null) {
                    credentials.freshTokenRejected(header);
                }
                complete(response);
            }
        } catch (Throwable t) {
            Log.warn("could not continue a request to the MCP server; the app gets what the server last sent", t);
            if (failure == null && unauthorized != null) {
                deliverUnauthorized(response);
            } else {
                completeExceptionally(failure != null ? failure : t);
            }
        }
    }

    /** One refresh (single-flight), then the same hop once more with the new token; without one, the kept 401. */
    private void replay(HttpResponse<T> rejected) {
        credentials.onUnauthorized(header).whenComplete((fresh, failure) -> {
            if (fresh == null || failure != null) {
                deliverUnauthorized(rejected);
                return;
            }
            try {
                header = fresh;
                replayed = true;
                send(hop);
            } catch (Throwable t) {
                Log.warn("could not replay a rejected request; the app gets the server's 401", t);
                deliverUnauthorized(rejected);
            }
        });
    }

    private void deliverUnauthorized(HttpResponse<T> kept) {
        try {
            unauthorizedForApp(kept).whenComplete((r, f) -> {
                if (f != null) {
                    completeExceptionally(f);
                } else {
                    complete(r);
                }
            });
        } catch (Throwable decodeFailure) {
            completeExceptionally(decodeFailure);
        }
    }

    private <F extends CompletableFuture<?>> F track(F future) {
        inProgress = future;
        return future;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        CompletableFuture<?> f = inProgress;
        if (f != null) {
            f.cancel(mayInterruptIfRunning);
        }
        return super.cancel(mayInterruptIfRunning);
    }

    /** The kept 401, decoded by the app's handler as if it had arrived directly. */
    private CompletionStage<HttpResponse<T>> unauthorizedForApp(HttpResponse<T> kept) {
        HttpResponse.BodySubscriber<T> subscriber = appHandler.apply(unauthorized);
        byte[] body = unauthorizedBody == null ? new byte[0] : unauthorizedBody;
        subscriber.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {
            }

            @Override
            public void cancel() {
            }
        });
        if (body.length > 0) {
            subscriber.onNext(List.of(ByteBuffer.wrap(body)));
        }
        subscriber.onComplete();
        return subscriber.getBody().thenApply(b -> new BufferedResponse<>(kept, b));
    }
}
