package dev.mcprefresh.it;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Another origin on loopback (its own port) that a redirecting MCP server sends clients to: records every request
 * it receives, with whether it carried any Authorization header (never the header's value: a token must not reach
 * the test's output either), and answers each with the 401 a protected server would give, so a client that takes
 * any 401 for its own expired token would try to refresh and replay here.
 */
final class ForeignOrigin implements AutoCloseable {
    /** One request as it arrived. */
    record Seen(String method, String path, boolean hadAuthorization) {
    }

    private final HttpServer server;
    private final List<Seen> seen = new ArrayList<>();

    private ForeignOrigin(HttpServer server) {
        this.server = server;
    }

    static ForeignOrigin start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        ForeignOrigin foreign = new ForeignOrigin(server);
        server.createContext("/", exchange -> {
            try (exchange; InputStream body = exchange.getRequestBody()) {
                body.readAllBytes();
                foreign.record(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                        exchange.getRequestHeaders().containsKey("Authorization")));
                byte[] answer = "{\"error\":\"invalid_token\"}".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer error=\"invalid_token\"");
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(401, answer.length);
                exchange.getResponseBody().write(answer);
            }
        });
        server.start();
        return foreign;
    }

    int port() {
        return server.getAddress().getPort();
    }

    private synchronized void record(Seen s) {
        seen.add(s);
    }

    /** Everything received so far, in order. */
    synchronized List<Seen> seen() {
        return List.copyOf(seen);
    }

    synchronized void clear() {
        seen.clear();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
