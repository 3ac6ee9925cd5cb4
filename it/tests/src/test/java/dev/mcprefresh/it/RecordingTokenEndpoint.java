package dev.mcprefresh.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.mcprefresh.core.json.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

/**
 * A loopback relay in front of the real token endpoint that keeps every token the authorization server issued through
 * it (access, refresh and ID tokens of each successful answer) and every refresh token presented to it, so that a test
 * can look for each of them where none may be (a database dump, a log).
 */
final class RecordingTokenEndpoint implements AutoCloseable {
    private final String target;
    private final HttpServer server;
    private final HttpClient http = HttpClient.newHttpClient();
    /** Every token value seen, issued or presented. */
    final Set<String> tokens = ConcurrentHashMap.newKeySet();
    /** How many refresh_token grants the server answered 200 through this relay. */
    final java.util.concurrent.atomic.AtomicInteger refreshed = new java.util.concurrent.atomic.AtomicInteger();

    RecordingTokenEndpoint(String tokenEndpoint) throws IOException {
        this.target = tokenEndpoint;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/token", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
    }

    private void handle(HttpExchange ex) throws IOException {
        byte[] body = ex.getRequestBody().readAllBytes();
        boolean refreshGrant = false;
        for (String kv : new String(body, StandardCharsets.UTF_8).split("&")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                String k = URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8);
                String v = URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
                if (k.equals("refresh_token")) {
                    tokens.add(v);
                }
                if (k.equals("grant_type") && v.equals("refresh_token")) {
                    refreshGrant = true;
                }
            }
        }
        TokenRelay.Answer answer = TokenRelay.forward(http, target, ex, body);
        if (answer.status() == 200) {
            try {
                Map<String, Object> json = Json.parseObject(answer.body());
                for (String field : List.of("access_token", "refresh_token", "id_token")) {
                    if (json.get(field) instanceof String) {
                        tokens.add((String) json.get(field));
                    }
                }
                if (refreshGrant) {
                    refreshed.incrementAndGet();
                }
            } catch (RuntimeException notJson) {
                // relayed as it is
            }
        }
        TokenRelay.reply(ex, answer);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
