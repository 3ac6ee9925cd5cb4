package dev.mcprefresh.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback relay in front of the real token endpoint that the test can take down: answering 503, or not
 * listening at all, then relaying again. It counts the token requests that reach it in each state.
 */
final class FlakyTokenEndpoint implements AutoCloseable {
    enum State { UP, ANSWERS_503, REFUSES_CONNECTIONS }

    private final String target;
    private final int port;
    private final HttpClient http = HttpClient.newHttpClient();
    private volatile State state = State.UP;
    private HttpServer server;
    final AtomicInteger relayed = new AtomicInteger();
    final AtomicInteger answered503 = new AtomicInteger();

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
        int status;
        byte[] reply;
        if (state == State.ANSWERS_503) {
            answered503.incrementAndGet();
            status = 503;
            reply = "{\"error\":\"temporarily_unavailable\"}".getBytes();
        } else {
            relayed.incrementAndGet();
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(target))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .header("Content-Type", ex.getRequestHeaders().getFirst("Content-Type"));
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            if (auth != null) {
                b.header("Authorization", auth);
            }
            try {
                HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
                status = r.statusCode();
                reply = r.body();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                status = 502;
                reply = new byte[0];
            }
        }
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, reply.length == 0 ? -1 : reply.length);
        if (reply.length > 0) {
            ex.getResponseBody().write(reply);
        }
        ex.close();
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop(0);
        }
    }
}
