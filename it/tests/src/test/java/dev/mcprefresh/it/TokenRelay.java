package dev.mcprefresh.it;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** What the loopback relays in front of the real token endpoint do alike: pass a request on as it came, answer. */
final class TokenRelay {
    private TokenRelay() {
    }

    record Answer(int status, byte[] body) {
    }

    /** {@code body} to {@code target} with the request's Content-Type and Authorization; 502 when interrupted. */
    static Answer forward(HttpClient http, String target, HttpExchange ex, byte[] body) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(target))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Content-Type", ex.getRequestHeaders().getFirst("Content-Type"));
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth != null) {
            b.header("Authorization", auth);
        }
        try {
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Answer(r.statusCode(), r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(502, new byte[0]);
        }
    }

    /** Sends {@code answer} as JSON (no body when it is empty) and ends the exchange. */
    static void reply(HttpExchange ex, Answer answer) throws IOException {
        byte[] reply = answer.body();
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(answer.status(), reply.length == 0 ? -1 : reply.length);
        if (reply.length > 0) {
            ex.getResponseBody().write(reply);
        }
        ex.close();
    }
}
