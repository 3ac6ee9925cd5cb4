package dev.mcprefresh.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback relay in front of the real token endpoint that the test can take down: answering 503, or not
 * listening at all, then relaying again; or slow: the server has answered (and rotated the refresh token), the answer
 * reaches the client {@link #LATE_MILLIS} later. It counts the token requests that reach it in each state.
 */
final class FlakyTokenEndpoint implements AutoCloseable {
    enum State { UP, ANSWERS_503, REFUSES_CONNECTIONS, ANSWERS_LATE }

    static final long LATE_MILLIS = 1000;

    private final String target;
    private final int port;
    private final HttpClient http = HttpClient.newHttpClient();
    private volatile State state = State.UP;
    private HttpServer server;
    final AtomicInteger relayed = new AtomicInteger();
    final AtomicInteger answered503 = new AtomicInteger();
    /** Answers the server gave that the relay holds back (ANSWERS_LATE) before passing them on. */
    final AtomicInteger heldBack = new AtomicInteger();

    FlakyTokenEndpoint(String tokenEndpoint) throws IOException {
        this.target = tokenEndpoint;
        this.port = ItEnv.freePort();
        listen();
    }

    String url() {
        return "http://127.0.0.1:" + port + "/token";
    }

    synchronized void set(State next) throws IOException {
        if (next == State.REFUSES_CONNECTIONS && server != null) {
            server.stop(0);
            server = null;
        } else if (next != State.REFUSES_CONNECTIONS && server == null) {
            listen();
        }
        state = next;
    }

    private void listen() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/token", this::handle);
        server.start();
    }

    private void handle(HttpExchange ex) throws IOException {
        byte[] body = ex.getRequestBody().readAllBytes();
        TokenRelay.Answer answer;
        if (state == State.ANSWERS_503) {
            answered503.incrementAndGet();
            answer = new TokenRelay.Answer(503, "{\"error\":\"temporarily_unavailable\"}".getBytes());
        } else {
            relayed.incrementAndGet();
            answer = TokenRelay.forward(http, target, ex, body);
            if (state == State.ANSWERS_LATE) {
                heldBack.incrementAndGet();
                try {
                    Thread.sleep(LATE_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        TokenRelay.reply(ex, answer);
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop(0);
        }
    }
}
