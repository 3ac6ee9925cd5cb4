package dev.mcprefresh.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcprefresh.core.LogCapture;
import dev.mcprefresh.core.LoopbackServer;
import dev.mcprefresh.core.LoopbackServer.Reply;
import dev.mcprefresh.core.log.Log;
import dev.mcprefresh.core.store.StoreException;
import dev.mcprefresh.core.store.TokenRecord;
import dev.mcprefresh.core.store.FileTokenStore;
import dev.mcprefresh.core.store.TokenStore;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every path of a session at debug level (refresh with rotation, adoption of another process's token, a server
 * echoing secrets in its errors, a dead grant, failures with secret-bearing messages, a corrupt store): the captured output and every exception message must hold none of the secrets used.
 */
class DebugRedactionTest {
    private static final List<String> SECRETS = List.of("at-SECRET-stored", "rt-SECRET-stored", "cs-SECRET",
            "at-SECRET-1", "rt-SECRET-2", "at-SECRET-3", "SECRET");

    @TempDir
    Path dir;

    @Test
    void noSecretReachesAnyOutputAtDebugLevel() throws Exception {
        List<String> messages = new ArrayList<>();
        Set<String> accepted = ConcurrentHashMap.newKeySet();
        ConcurrentLinkedQueue<Reply> tokenReplies = new ConcurrentLinkedQueue<>(List.of(
                Reply.json(200, "{\"access_token\":\"at-SECRET-1\",\"refresh_token\":\"rt-SECRET-2\",\"expires_in\":3600}"),
                Reply.json(500, "{\"error\":\"server_error\",\"error_description\":\"cannot use rt-SECRET-2 with cs-SECRET\"}"),
                Reply.json(400, "{\"error\":\"invalid_grant\",\"error_description\":\"rt-SECRET-2 was revoked\"}")));
        try (LogCapture log = new LogCapture(Log.Level.DEBUG);
             LoopbackServer mcp = new LoopbackServer();
             LoopbackServer as = new LoopbackServer()) {
            mcp.route("/mcp", r -> {
                List<String> auth = r.header("Authorization");
                return auth.size() == 1 && accepted.contains(auth.get(0).substring(7)) ? Reply.json(200, "{}")
                        : new Reply(401, "{\"error\":\"invalid_token\",\"error_description\":\"" + auth + " is dead\"}",
                                java.util.Map.of("WWW-Authenticate", "Bearer error=\"invalid_token\", error_description=\""
                                        + auth + "\"", "Content-Type", "application/json"));
            });
            as.route("/token", r -> tokenReplies.poll());
            String server = mcp.base() + "/mcp";
            TokenStore store = new FileTokenStore(dir.resolve("tokens.json"), Duration.ofSeconds(5));
            TokenRecord record = TokenRecord.builder(server).tokenEndpoint(as.base() + "/token").clientId("c")
                    .clientSecret("cs-SECRET").authMethod(TokenRecord.AUTH_BASIC).accessToken("at-SECRET-stored")
                    .refreshToken("rt-SECRET-stored").expiresAt(Instant.now().plusSeconds(3600)).updatedAt(Instant.now())
                    .build();
            HttpClient client = DecoratedClients.of(store, record);

            accepted.add("at-SECRET-1");
            assertEquals(200, call(client, server).statusCode(), "401, refresh with rotation, replay");

            accepted.clear();
            accepted.add("at-SECRET-3");
            store.update(c -> { // another process refreshed meanwhile
                c.put(c.soleEntry(server).toBuilder().accessToken("at-SECRET-3").updatedAt(Instant.now()).build());
                return null;
            });
            assertEquals(200, call(client, server).statusCode(), "401, the other process's token adopted");

            accepted.clear();
            assertEquals(401, call(client, server).statusCode(), "a server error echoing secrets");
            Thread.sleep(1100); // past the first back-off
            assertEquals(401, call(client, server).statusCode(), "a dead grant whose error names the token");

            Log.warn("a failure whose message carries secrets", new IOException(
                    "reset while sending Authorization: Bearer at-SECRET-1 body refresh_token=rt-SECRET-2&client_secret=cs-SECRET"));
            messages.add(String.valueOf(store.read().soleEntry(server)));

            Files.writeString(dir.resolve("corrupt.json"), "{\"servers\":{\"x\":{\"access_token\":\"at-SECRET-1\",");
            messages.add(assertThrows(StoreException.class,
                    () -> new FileTokenStore(dir.resolve("corrupt.json"), Duration.ofSeconds(1)).read()).getMessage());
            Files.writeString(dir.resolve("wrong.json"), "{\"servers\":{\"x\":{\"refresh_token\":[\"rt-SECRET-2\"]}}}");
            messages.add(assertThrows(StoreException.class,
                    () -> new FileTokenStore(dir.resolve("wrong.json"), Duration.ofSeconds(1)).read()).getMessage());

            String out = log.text();
            assertTrue(out.contains("refreshed the access token") && out.contains("using the token another process stored")
                    && out.contains("could not refresh") && out.contains("rejected the refresh"),
                    "every path ran: " + out);
            for (String secret : SECRETS) {
                assertFalse(out.contains(secret), "log leaked " + secret + ":\n" + out);
                for (String m : messages) {
                    assertFalse(m.contains(secret), "message leaked " + secret + ": " + m);
                }
            }
        }
    }

    private static HttpResponse<String> call(HttpClient client, String server) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(server)).header("Authorization", "Bearer app-static")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
    }
}
