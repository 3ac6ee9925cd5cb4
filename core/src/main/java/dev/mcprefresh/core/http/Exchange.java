package dev.mcprefresh.core.http;

import java.nio.ByteBuffer;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * One request that may be replayed once, and the future the app holds for it. Its body handler passes every response
 * to the app's handler, except a 401, whose body it keeps: the app never sees that 401 if a fresh token can be had,
 * and sees it byte for byte if not. Cancelling it cancels the send in progress.
 */
final class Exchange<T> extends CompletableFuture<HttpResponse<T>> implements HttpResponse.BodyHandler<T> {
    /** 401 bodies are short error documents; more than this is not kept. */
    private static final int MAX_KEPT = 64 * 1024;

    private final HttpResponse.BodyHandler<T> appHandler;
    private final InsufficientScopeNotice scopeNotice;
    private volatile HttpResponse.ResponseInfo unauthorized;
    private volatile byte[] unauthorizedBody;
    private volatile CompletableFuture<?> inProgress;

    Exchange(HttpResponse.BodyHandler<T> appHandler, InsufficientScopeNotice scopeNotice) {
        this.appHandler = appHandler;
        this.scopeNotice = scopeNotice;
    }

    @Override
    public HttpResponse.BodySubscriber<T> apply(HttpResponse.ResponseInfo info) {
        int status = info.statusCode();
        if (status == 403) {
            scopeNotice.check(info.headers());
        }
        // A 401 that asks for more scope goes to the app as it is: no refresh can widen a token's scope.
        if (status != 401 || scopeNotice.check(info.headers())) {
            return appHandler.apply(info);
        }
        unauthorized = info;
        return HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofByteArray(), bytes -> {
            unauthorizedBody = bytes.length > MAX_KEPT ? java.util.Arrays.copyOf(bytes, MAX_KEPT) : bytes;
            return null;
        });
    }

    boolean wasUnauthorized() {
        return unauthorized != null;
    }

    <F extends CompletableFuture<?>> F track(F future) {
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

    /** Completes the app's future with the outcome of a send. */
    void settle(HttpResponse<T> response, Throwable failure) {
        if (failure != null) {
            completeExceptionally(failure);
        } else {
            complete(response);
        }
    }

    /** The kept 401, decoded by the app's handler as if it had arrived directly. */
    CompletionStage<HttpResponse<T>> unauthorizedForApp(HttpResponse<T> kept) {
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
