package dev.mcprefresh.core.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Before: a 401 body was buffered whole (ofByteArray) and only then cut to 64 KiB. */
class BoundedBodyTest {
    @Test
    void keepsAtMostTheLimitAndDropsTheRestAsItArrives() {
        AtomicReference<byte[]> kept = new AtomicReference<>();
        BoundedBody<Void> body = new BoundedBody<>(10, kept::set);
        body.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {
            }

            @Override
            public void cancel() {
            }
        });
        ByteBuffer first = ByteBuffer.wrap("0123456".getBytes());
        ByteBuffer second = ByteBuffer.wrap(new byte[1 << 20]);
        body.onNext(List.of(first, second));
        body.onNext(List.of(ByteBuffer.wrap(new byte[1 << 20])));
        assertEquals(0, second.remaining(), "consumed, not kept");
        body.onComplete();
        assertArrayEquals("0123456\0\0\0".getBytes(), kept.get());
        assertEquals(null, body.getBody().toCompletableFuture().join());
    }
}
