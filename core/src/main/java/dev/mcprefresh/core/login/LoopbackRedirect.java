package dev.mcprefresh.core.login;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The redirect target of a native app's authorization request (RFC 8252 section 7.3): a one-shot HTTP listener on
 * 127.0.0.1 that takes the authorization response whose {@code state} matches, and nothing else.
 */
public final class LoopbackRedirect implements AutoCloseable {
    private static final String PATH = "/callback";

    private final HttpServer server;
    private final String state;
    private final CompletableFuture<Map<String, String>> response = new CompletableFuture<>();

    /** {@code port} 0 picks a free one; a fixed port suits clients registered with one exact redirect URI. */
    public LoopbackRedirect(int port, String state) throws LoginException {
        this.state = state;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 8);
        } catch (IOException e) {
            throw new LoginException("cannot listen on 127.0.0.1:" + port + " for the login redirect ("
                    + e.getClass().getSimpleName() + ")" + (port != 0 ? "; is the port in use?" : ""));
        }
        server.createContext(PATH, this::handle);
        server.start();
    }

    /** The state the authorization request must carry; only a response with it is taken. */
    public String state() {
        return state;
    }

    public String redirectUri() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + PATH;
    }

    /** The authorization response, once the browser comes back; a timeout as a LoginException. */
    public AuthorizationResponse awaitResponse(Duration timeout) throws LoginException, InterruptedException {
        try {
            return new AuthorizationResponse(response.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            throw new LoginException("no login came back within " + timeout.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw new LoginException("the login redirect failed");
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        Map<String, String> params = query(exchange.getRequestURI().getRawQuery());
        // Anything without our state is not our login's answer (CSRF, a stale tab): ignore it, keep waiting.
        boolean ours = state.equals(params.get("state"));
        try (exchange) {
            String page = !ours ? "This is not the login mcp-refresh is waiting for."
                    : params.containsKey("error") ? "Login failed; see the terminal."
                    : "Received. You can close this window; the terminal says whether the login succeeded.";
            byte[] body = ("<!doctype html><meta charset=utf-8><title>mcp-refresh</title><p>" + page)
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(ours ? 200 : 400, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        } finally {
            if (ours) {
                // Only now: the waiting login closes this listener, and the browser must have its page first.
                response.complete(params);
            }
        }
    }

    static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.putIfAbsent(k, v);
        }
        return out;
    }

    @Override
    public void close() {
        server.stop(1); // lets an exchange still writing its page finish (at most a second)
    }
}
