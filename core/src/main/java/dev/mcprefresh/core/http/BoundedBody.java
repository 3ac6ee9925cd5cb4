package dev.mcprefresh.core.http;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.function.Consumer;

/**
 * Reads a body, keeping at most {@code limit} bytes and discarding the rest as it arrives, so a server that answers
 * 401 with a huge body cannot make the agent buffer it. Hands the kept bytes to {@code sink}; the body itself is null.
 */
final class BoundedBody<T> implements HttpResponse.BodySubscriber<T> {
    private final int limit;
    private final Consumer<byte[]> sink;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final CompletableFuture<T> done = new CompletableFuture<>();

    BoundedBody(int limit, Consumer<byte[]> sink) {
        this.limit = limit;
        this.sink = sink;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        for (ByteBuffer b : items) {
            int room = limit - kept.size();
            int n = Math.min(room, b.remaining());
            if (n > 0) {
                byte[] chunk = new byte[n];
                b.get(chunk);
                kept.write(chunk, 0, n);
            }
            b.position(b.limit()); // the rest is dropped, not buffered
        }
    }

    @Override
    public void onError(Throwable throwable) {
        done.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
        sink.accept(kept.toByteArray());
        done.complete(null);
    }

    @Override
    public CompletionStage<T> getBody() {
        return done;
    }
}
