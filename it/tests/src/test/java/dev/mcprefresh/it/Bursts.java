package dev.mcprefresh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mcprefresh.core.oauth.TokenEndpointClient;
import dev.mcprefresh.core.oauth.TokenResponse;
import dev.mcprefresh.core.store.TokenRecord;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** What the refresh benchmarks share: a burst of requests released together, and the token endpoint timed alone. */
final class Bursts {
    private Bursts() {
    }

    /**
     * Releases {@code threads} requests at {@code at}, spread over {@code clients} in turn; returns each request's
     * latency in ms, measured from the release. Every request must get a 200.
     */
    static double[] at(HttpClient[] clients, int threads, URI mcp, ExecutorService callers, Instant at)
            throws Exception {
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        long[] release = new long[1];
        Future<?>[] futures = new Future<?>[threads];
        double[] latencies = new double[threads];
        for (int t = 0; t < threads; t++) {
            int i = t;
            HttpClient client = clients[t % clients.length];
            futures[t] = callers.submit(() -> {
                ready.countDown();
                go.await();
                HttpResponse<Void> r = client.send(HttpRequest.newBuilder(mcp).header("Authorization", "Bearer static")
                        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.discarding());
                latencies[i] = (System.nanoTime() - release[0]) / 1e6;
                assertEquals(200, r.statusCode());
                return null;
            });
        }
        ready.await();
        long wait = Duration.between(Instant.now(), at).toMillis();
        if (wait > 0) {
            Thread.sleep(wait);
        }
        release[0] = System.nanoTime();
        go.countDown();
        for (Future<?> f : futures) {
            f.get(30, TimeUnit.SECONDS);
        }
        return latencies;
    }

    /** Median of 9 refresh_token grants sent directly, on a grant of their own (the server rotates). */
    static double tokenEndpointRoundTripMillis(AuthorizationServer as, TokenEndpointClient client) throws Exception {
        AuthorizationServer.Tokens tokens = as.login("app-long");
        TokenRecord record = TokenRecord.builder("rtt").tokenEndpoint(as.issuer + "/token").clientId("app-long")
                .refreshToken(tokens.refreshToken()).build();
        double[] millis = new double[9];
        for (int i = 0; i < millis.length; i++) {
            long started = System.nanoTime();
            TokenResponse r = client.refresh(record);
            millis[i] = (System.nanoTime() - started) / 1e6;
            record = record.toBuilder().refreshToken(r.refreshToken()).build();
        }
        return BenchReport.median(millis);
    }
}
