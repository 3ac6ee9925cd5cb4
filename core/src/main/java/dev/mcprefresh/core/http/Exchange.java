package dev.mcprefresh.core.http;

import dev.mcprefresh.core.log.Log;
import dev.mcprefresh.core.session.Credentials;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;

/**
 * One app request through the decorator, and the future the app holds for it. It sends hop after hop: the request,
 * the redirects the app's policy follows ({@link Redirects}), and at most one replay after a 401 from the own origin.
 * Its body handler passes the final response to the app's handler; a redirect's body is discarded, and a 401's body is
 * kept: the app never sees that 401 if a fresh token can be had, and sees it byte for byte if not. Cancelling it
 * cancels the send in progress. What only redirects and 401s need lives in a {@link Detour}, made when one happens:
 * a request answered at once allocates nothing more than before.
 */
final class Exchange<T> extends CompletableFuture<HttpResponse<T>>
        implements HttpResponse.BodyHandler<T>, BiConsumer<HttpResponse<T>, Throwable> {
    /** 401 bodies are short error documents; at most this much is kept (the rest is not buffered). */
    static final int MAX_KEPT = 64 * 1024;

    // Few fields on purpose: this object is made per request, and its size is most of what the decorator allocates.
    private final AuthorizingHttpClient client;
    private final HttpResponse.BodyHandler<T> appHandler;
    private volatile CompletableFuture<?> inProgress;
    /** The hop in flight as sent: an {@link AuthorizedRequest} when it carries our token. Hops run one at a time. */
    private volatile HttpRequest wire;
    private volatile Detour detour;

    /** What a request that was redirected or rejected (or has a push handler) needs besides. */
    private static final class Detour {
        HttpResponse.PushPromiseHandler<?> push;
        /** The credentials whose token was rejected, kept for the replay and its outcome. */
        Credentials credentials;
        int hops;
        boolean crossedOrigin;
        boolean replayed;
        URI redirectTo;
        HttpResponse.ResponseInfo unauthorized;
        byte[] unauthorizedBody;
    }

    Exchange(AuthorizingHttpClient client, HttpRequest request, HttpResponse.BodyHandler<T> appHandler,
            HttpResponse.PushPromiseHandler<T> push) {
        this.client = client;
        this.appHandler = appHandler;
        this.wire = request;
        if (push != null) {
            detour().push = push;
        }
    }

    /** Sends the request with {@code authorization} (null: as the app built it). */
    Exchange<T> start(String authorization) {
        send(wire, authorization);
        return this;
    }

    private Detour detour() {
        Detour d = detour;
        if (d == null) {
            d = new Detour();
            detour = d;
        }
        return d;
    }

    /** The hop as the app (or a redirect) made it, before our header. */
    private HttpRequest hop() {
        return AuthorizedRequest.appRequest(wire);
    }

    /** The token the hop in flight carries, or null when it carries none of ours. */
    private String token() {
        HttpRequest w = wire;
        return w instanceof AuthorizedRequest ? ((AuthorizedRequest) w).authorization() : null;
    }

    /** Sends {@code request}, with {@code token} when it goes to the own origin and no hop has left it. */
    @SuppressWarnings("unchecked")
    private void send(HttpRequest request, String token) {
        if (isDone()) {
            return; // the app cancelled while a token or a hop was awaited: nothing more goes out
        }
        Detour d = detour;
        if (d != null) {
            d.redirectTo = null;
            d.unauthorized = null;
        }
        boolean ours = token != null && (d == null || !d.crossedOrigin) && client.policy().ownOrigin(request.uri());
        HttpRequest w = ours ? client.authorize(request, token) : request;
        wire = w;
        HttpResponse.PushPromiseHandler<T> push = d == null ? null : (HttpResponse.PushPromiseHandler<T>) d.push;
        track(client.delegate().sendAsync(w, this, push)).whenComplete(this); // itself: no lambda per request
    }

    @Override
    public HttpResponse.BodySubscriber<T> apply(HttpResponse.ResponseInfo info) {
        int status = info.statusCode();
        if (status < 300) {
            return appHandler.apply(info); // the common case, with nothing to look at
        }
        HttpRequest request = hop();
        Detour d = detour;
        URI next = status < 400 ? Redirects.target(client.appRedirectPolicy(), request.uri(), status,
                info.headers().firstValue("Location")) : null;
        if (next != null && (!Redirects.keepsBody(status, request.method()) || Resendable.check(request))) {
            detour().redirectTo = next; // past the limit, the app gets the JDK's own "too many redirects"
            return HttpResponse.BodySubscribers.replacing(null);
        }
        if ((status == 401 || status == 403) && token() != null
                && client.policy().refreshOn(status, request.uri(), info.headers().allValues("WWW-Authenticate"))
                && (d == null || !d.replayed) && Resendable.check(request)) {
            Detour kept = detour();
            kept.unauthorized = info;
            kept.credentials = client.credentialsFor(root(request));
            return new BoundedBody<>(MAX_KEPT, bytes -> kept.unauthorizedBody = bytes);
        }
        return appHandler.apply(info);
    }

    /** A hop's outcome: the next hop, the replay, or the app's answer. */
    @Override
    public void accept(HttpResponse<T> response, Throwable failure) {
        Detour d = detour;
        try {
            if (failure != null) {
                completeExceptionally(failure);
            } else if (d != null && d.redirectTo != null && d.hops >= Redirects.MAX_HOPS) {
                completeExceptionally(new java.io.IOException("too many redirects"));
            } else if (d != null && d.redirectTo != null) {
                HttpRequest from = hop();
                d.crossedOrigin |= !RequestPolicy.keepsAuthorization(from.uri(), d.redirectTo);
                d.hops++;
                send(Redirects.next(from, d.redirectTo, response.statusCode(), d.crossedOrigin), token());
            } else if (d != null && d.unauthorized != null) {
                replay(response, d);
            } else {
                if (d != null && d.replayed && d.credentials != null && response.statusCode() == 401 && token() != null) {
                    d.credentials.freshTokenRejected(token());
                }
                complete(response);
            }
        } catch (Throwable t) {
            Log.warn("could not continue a request to the MCP server; the app gets what the server last sent", t);
            if (failure == null && d != null && d.unauthorized != null) {
                deliverUnauthorized(response, d.unauthorized, d.unauthorizedBody);
            } else {
                completeExceptionally(failure != null ? failure : t);
            }
        }
    }

    private static HttpRequest root(HttpRequest request) {
        HttpRequest r = request;
        while (r instanceof RequestView) {
            r = ((RequestView) r).original();
        }
        return r;
    }

    /** One refresh (single-flight), then the same hop once more with the new token; without one, the kept 401. */
    private void replay(HttpResponse<T> rejected, Detour d) {
        HttpRequest request = hop();
        HttpResponse.ResponseInfo info = d.unauthorized; // the next send clears them: this 401 is what the app may get
        byte[] body = d.unauthorizedBody;
        if (d.credentials == null) {
            deliverUnauthorized(rejected, info, body);
            return;
        }
        d.credentials.onUnauthorized(token()).whenComplete((fresh, failure) -> {
            if (fresh == null || failure != null) {
                deliverUnauthorized(rejected, info, body);
                return;
            }
            try {
                d.replayed = true;
                send(request, fresh);
            } catch (Throwable t) {
                Log.warn("could not replay a rejected request; the app gets the server's 401", t);
                deliverUnauthorized(rejected, info, body);
            }
        });
    }

    private void deliverUnauthorized(HttpResponse<T> kept, HttpResponse.ResponseInfo info, byte[] body) {
        try {
            unauthorizedForApp(kept, info, body).whenComplete((r, f) -> {
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
    private CompletionStage<HttpResponse<T>> unauthorizedForApp(HttpResponse<T> kept, HttpResponse.ResponseInfo info,
            byte[] kept401Body) {
        HttpResponse.BodySubscriber<T> subscriber = appHandler.apply(info);
        SavedBody.deliver(kept401Body == null ? new byte[0] : kept401Body, subscriber);
        return subscriber.getBody().thenApply(b -> new BufferedResponse<>(kept, b));
    }
}
