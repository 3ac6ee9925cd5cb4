package dev.mcprefresh.core.http;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A body the agent kept (a 401 it could not cure), handed to the app's body subscriber through a real subscription, as
 * the JDK would hand it: the bytes on the first request(n > 0), then onComplete; nothing before a request, nothing
 * after cancel. Pushing them unasked breaks subscribers that forward to someone who has not subscribed yet:
 * BodySubscribers.ofPublisher (MCP Java SDK 2.1 reads every response with it) then put a NullPointerException into the
 * stream and the app lost the 401. Nor does anything reach the subscriber while its onSubscribe runs: a request made
 * there (MCP Java SDK 1.1's subscribers ask at once, before they have set themselves up) is served once onSubscribe
 * has returned, or the SDK lost the body and its call timed out.
 */
final class SavedBody implements Flow.Subscription {
    private final Flow.Subscriber<? super List<ByteBuffer>> subscriber;
    /** The bytes still to deliver; null once delivered, refused or cancelled, so they go out at most once. */
    private final AtomicReference<byte[]> pending;
    private volatile boolean cancelled;
    /** True while the subscriber's onSubscribe runs; a request made then is served after it returns. */
    private volatile boolean subscribing = true;
    private volatile long requestedWhileSubscribing;

    private SavedBody(byte[] body, Flow.Subscriber<? super List<ByteBuffer>> subscriber) {
        this.subscriber = subscriber;
        this.pending = new AtomicReference<>(body);
    }

    /** Subscribes {@code subscriber} to {@code body}. An empty body completes at once: it needs no demand. */
    static void deliver(byte[] body, Flow.Subscriber<? super List<ByteBuffer>> subscriber) {
        SavedBody subscription = new SavedBody(body, subscriber);
        subscriber.onSubscribe(subscription);
        subscription.subscribing = false;
        if (body.length == 0 && subscription.pending.compareAndSet(body, null)) {
            subscriber.onComplete();
        } else if (subscription.requestedWhileSubscribing != 0) {
            subscription.request(subscription.requestedWhileSubscribing);
        }
    }

    @Override
    public void request(long n) {
        if (subscribing) {
            requestedWhileSubscribing = n; // served by deliver once onSubscribe has returned
            return;
        }
        byte[] body = pending.getAndSet(null);
        if (body == null) {
            return; // delivered (a request from inside onNext lands here), or cancelled
        }
        if (n <= 0) {
            subscriber.onError(new IllegalArgumentException("non-positive request: " + n)); // reactive-streams 3.9
            return;
        }
        if (body.length > 0) {
            subscriber.onNext(List.of(ByteBuffer.wrap(body)));
        }
        if (!cancelled) {
            subscriber.onComplete();
        }
    }

    @Override
    public void cancel() {
        cancelled = true;
        pending.set(null);
    }
}
