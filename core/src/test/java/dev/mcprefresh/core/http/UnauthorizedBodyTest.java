package dev.mcprefresh.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcprefresh.core.LoopbackServer;
import dev.mcprefresh.core.LoopbackServer.Reply;
import dev.mcprefresh.core.store.FileTokenStore;
import dev.mcprefresh.core.store.TokenRecord;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 401 the agent cannot cure (the refresh is refused) reaches the app exactly as the server sent it, whatever body
 * handler the app reads it with. MCP Java SDK 2.1 reads with ofPublisher; its closeGracefully sends a DELETE.
 */
class UnauthorizedBodyTest {
    /** Two lines, so ofLines has something to split. */
    private static final String BODY = "{\"error\":\"invalid_token\",\n\"error_description\":\"expired\"}";

    @TempDir
    Path dir;
    private LoopbackServer mcp;
    private LoopbackServer as;
    private HttpClient client;

    @BeforeEach
    void start() throws Exception {
        mcp = new LoopbackServer();
        as = new LoopbackServer();
        mcp.route("/mcp", r -> Reply.json(401, BODY));
        as.route("/token", r -> Reply.json(400, "{\"error\":\"invalid_grant\"}"));
        client = DecoratedClients.of(new FileTokenStore(dir.resolve("tokens.json"), Duration.ofSeconds(5)),
                TokenRecord.builder(mcp.base() + "/mcp").tokenEndpoint(as.base() + "/token").clientId("c")
                        .accessToken("revoked").expiresAt(Instant.now().plusSeconds(3600)).updatedAt(Instant.now())
                        .refreshToken("rt").build());
    }

    @AfterEach
    void stop() {
        mcp.close();
        as.close();
    }

    private HttpRequest delete() {
        return HttpRequest.newBuilder(URI.create(mcp.base() + "/mcp")).DELETE().build();
    }

    private <T> HttpResponse<T> send(HttpResponse.BodyHandler<T> handler) throws Exception {
        HttpResponse<T> r = client.sendAsync(delete(), handler).get(10, TimeUnit.SECONDS);
        assertEquals(401, r.statusCode());
        assertEquals(1, as.hits("/token"), "the refresh was tried and refused");
        assertEquals(1, mcp.hits("/mcp"), "nothing replayed without a token");
        return r;
    }

    @Test
    void ofPublisherGetsThe401BodyAfterTheAppSubscribes() throws Exception {
        HttpResponse<Flow.Publisher<List<ByteBuffer>>> r = send(HttpResponse.BodyHandlers.ofPublisher());
        AppSubscriber app = new AppSubscriber(Long.MAX_VALUE);
        r.body().subscribe(app);
        assertEquals(BODY, app.result());
    }

    @Test
    void aSubscriberThatRequestsOneAtATimeGetsTheBodyOnlyWhenItAsks() throws Exception {
        AppSubscriber app = new AppSubscriber(1);
        HttpResponse<Void> r = send(HttpResponse.BodyHandlers.fromSubscriber(app));
        assertNull(r.body());
        assertEquals(BODY, app.result());
    }

    @Test
    void aSubscriberThatAsksOnlyOnceTheResponseIsInHandGetsNothingBefore() throws Exception {
        AppSubscriber app = new AppSubscriber(1, false);
        CompletableFuture<HttpResponse<Void>> response = client.sendAsync(delete(),
                HttpResponse.BodyHandlers.fromSubscriber(app)); // its body is done when the subscriber is
        app.subscribed.get(10, TimeUnit.SECONDS);
        Thread.sleep(100); // anything pushed unasked arrives now, and fails it
        app.requestFirst();
        assertEquals(BODY, app.result());
        assertEquals(401, response.get(10, TimeUnit.SECONDS).statusCode());
    }

    @Test
    void ofPublisherReadOneItemAtATime() throws Exception {
        HttpResponse<Flow.Publisher<List<ByteBuffer>>> r = send(HttpResponse.BodyHandlers.ofPublisher());
        AppSubscriber app = new AppSubscriber(1);
        r.body().subscribe(app);
        assertEquals(BODY, app.result());
    }

    @Test
    void ofStringGetsThe401Body() throws Exception {
        assertEquals(BODY, send(HttpResponse.BodyHandlers.ofString()).body());
    }

    @Test
    void ofByteArrayGetsThe401Body() throws Exception {
        assertEquals(BODY, new String(send(HttpResponse.BodyHandlers.ofByteArray()).body(), StandardCharsets.UTF_8));
    }

    @Test
    void ofInputStreamGetsThe401Body() throws Exception {
        try (InputStream in = send(HttpResponse.BodyHandlers.ofInputStream()).body()) {
            assertEquals(BODY, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void ofLinesGetsThe401Body() throws Exception {
        try (Stream<String> lines = send(HttpResponse.BodyHandlers.ofLines()).body()) {
            assertEquals(BODY, lines.collect(Collectors.joining("\n")));
        }
    }

    @Test
    void discardingCompletes() throws Exception {
        assertNull(send(HttpResponse.BodyHandlers.discarding()).body());
    }

    @Test
    void anEmpty401BodyCompletesForEveryReader() throws Exception {
        mcp.route("/mcp", r -> new Reply(401, "", java.util.Map.of()));
        assertEquals("", send(HttpResponse.BodyHandlers.ofString()).body());
        AppSubscriber app = new AppSubscriber(Long.MAX_VALUE);
        client.sendAsync(delete(), HttpResponse.BodyHandlers.ofPublisher()).get(10, TimeUnit.SECONDS).body()
                .subscribe(app);
        assertEquals("", app.result());
    }

    /** Subscribes as an app does, and fails on any reactive-streams breach it sees. */
    static final class AppSubscriber implements Flow.Subscriber<List<ByteBuffer>> {
        private final long batch;
        private final boolean requestOnSubscribe;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CompletableFuture<String> done = new CompletableFuture<>();
        final CompletableFuture<Void> subscribed = new CompletableFuture<>();
        private Flow.Subscription subscription;
        private long demand;

        AppSubscriber(long batch) {
            this(batch, true);
        }

        AppSubscriber(long batch, boolean requestOnSubscribe) {
            this.batch = batch;
            this.requestOnSubscribe = requestOnSubscribe;
        }

        @Override
        public synchronized void onSubscribe(Flow.Subscription s) {
            subscription = s;
            subscribed.complete(null);
            if (requestOnSubscribe) {
                requestFirst();
            }
        }

        synchronized void requestFirst() {
            demand = batch;
            subscription.request(batch);
        }

        @Override
        public synchronized void onNext(List<ByteBuffer> items) {
            if (demand <= 0) {
                done.completeExceptionally(new AssertionError("onNext without a request"));
                return;
            }
            if (batch != Long.MAX_VALUE) {
                demand--;
            }
            for (ByteBuffer b : items) {
                byte[] chunk = new byte[b.remaining()];
                b.get(chunk);
                bytes.writeBytes(chunk);
            }
            if (demand == 0) {
                demand = batch;
                subscription.request(batch);
            }
        }

        @Override
        public void onError(Throwable t) {
            done.completeExceptionally(t);
        }

        @Override
        public synchronized void onComplete() {
            done.complete(bytes.toString(StandardCharsets.UTF_8));
        }

        String result() throws Exception {
            return done.get(10, TimeUnit.SECONDS);
        }
    }
}
