package dev.mcprefresh.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;

class SavedBodyTest {
    private static final byte[] BODY = "{\"error\":\"invalid_token\"}".getBytes(StandardCharsets.UTF_8);

    /** Records every signal; {@code onNextDoes} runs inside onNext (a re-request, a cancel). */
    static class Recorder implements Flow.Subscriber<List<ByteBuffer>> {
        final List<String> signals = new CopyOnWriteArrayList<>();
        Flow.Subscription subscription;
        Runnable onNextDoes = () -> { };

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            signals.add("subscribe");
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            StringBuilder text = new StringBuilder();
            for (ByteBuffer b : items) {
                text.append(StandardCharsets.UTF_8.decode(b));
            }
            signals.add("next " + text);
            onNextDoes.run();
        }

        @Override
        public void onError(Throwable t) {
            signals.add("error " + t.getClass().getSimpleName());
        }

        @Override
        public void onComplete() {
            signals.add("complete");
        }
    }

    @Test
    void nothingIsSentBeforeARequestAndTheBodyOnceAfter() {
        Recorder r = new Recorder();
        r.onNextDoes = () -> r.subscription.request(1); // a subscriber that asks one at a time
        SavedBody.deliver(BODY, r);
        assertEquals(List.of("subscribe"), r.signals);
        r.subscription.request(1);
        r.subscription.request(1);
        assertEquals(List.of("subscribe", "next {\"error\":\"invalid_token\"}", "complete"), r.signals);
    }

    @Test
    void aCancelledSubscriptionGetsNothingMore() {
        Recorder r = new Recorder();
        SavedBody.deliver(BODY, r);
        r.subscription.cancel();
        r.subscription.request(Long.MAX_VALUE);
        assertEquals(List.of("subscribe"), r.signals);

        Recorder inNext = new Recorder();
        inNext.onNextDoes = () -> inNext.subscription.cancel();
        SavedBody.deliver(BODY, inNext);
        inNext.subscription.request(1);
        assertEquals(List.of("subscribe", "next {\"error\":\"invalid_token\"}"), inNext.signals);
    }

    @Test
    void aNonPositiveRequestIsAnError() {
        Recorder r = new Recorder();
        SavedBody.deliver(BODY, r);
        r.subscription.request(0);
        r.subscription.request(1);
        assertEquals(List.of("subscribe", "error IllegalArgumentException"), r.signals);
    }

    @Test
    void anEmptyBodyCompletesWithoutDemand() {
        Recorder r = new Recorder();
        SavedBody.deliver(new byte[0], r);
        r.subscription.request(1);
        assertEquals(List.of("subscribe", "complete"), r.signals);
        assertTrue(r.signals.stream().noneMatch(s -> s.startsWith("next")));
    }

    /**
     * MCP Java SDK 1.1's subscribers request inside onSubscribe, before they have set themselves up: the body reaches
     * them once onSubscribe has returned, never inside it (there it was lost, and the SDK's call timed out).
     */
    @Test
    void aRequestMadeInsideOnSubscribeIsServedAfterItReturns() {
        Recorder r = new Recorder() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                s.request(Long.MAX_VALUE);
                signals.add("subscribe");
            }
        };
        SavedBody.deliver(BODY, r);
        assertEquals(List.of("subscribe", "next {\"error\":\"invalid_token\"}", "complete"), r.signals);
    }
}
