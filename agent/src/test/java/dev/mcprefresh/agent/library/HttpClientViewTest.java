package dev.mcprefresh.agent.library;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.mcprefresh.core.http.AuthorizingHttpClient;
import dev.mcprefresh.core.log.Log;
import dev.mcprefresh.core.oauth.OAuthHttp;
import dev.mcprefresh.core.oauth.TokenEndpointClient;
import dev.mcprefresh.core.session.CredentialsRegistry;
import dev.mcprefresh.core.store.FileTokenStore;
import dev.mcprefresh.core.store.TokenRecord;
import dev.mcprefresh.core.store.TokenStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The view that answers a transport's reads of its own client field, on transport-shaped objects. */
class HttpClientViewTest {
    private static final String URL = "http://127.0.0.1:9/mcp";

    @TempDir
    Path dir;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @AfterEach
    void restoreLog() {
        Log.setOutput(System.err);
    }

    /** Shaped like a library transport: a final client field and its URL. */
    static class LibraryTransport {
        private final HttpClient httpClient = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .build();
        private final String url = URL;
    }

    /** An app's subclass, with a client field of its own. */
    static final class AppTransport extends LibraryTransport {
        @SuppressWarnings("unused")
        private final HttpClient httpClientOfTheApp = HttpClient.newHttpClient();
    }

    private HttpClientView view() {
        TokenStore store = new FileTokenStore(dir.resolve("tokens.json"), Duration.ofSeconds(5));
        store.update(c -> {
            c.put(TokenRecord.builder(URL).tokenEndpoint("http://127.0.0.1:9/token").clientId("c").accessToken("at")
                    .expiresAt(Instant.now().plusSeconds(3600)).refreshToken("rt").updatedAt(Instant.now()).build());
            return null;
        });
        CredentialsRegistry registry = new CredentialsRegistry(store, new TokenEndpointClient(
                new OAuthHttp(Duration.ofSeconds(1)), Clock.systemUTC()), Duration.ofSeconds(60), Clock.systemUTC(),
                false, false);
        return new HttpClientView("test transport", () -> registry) {
            @Override
            protected LibraryField clientField(Class<?> type) {
                return LibraryField.find(type, "java.net.http.HttpClient", "httpClient");
            }

            @Override
            protected URI transportUrl(Object transport) throws IllegalAccessException {
                return URI.create((String) LibraryField.find(transport.getClass(), "java.lang.String", "url")
                        .get(transport));
            }
        };
    }

    private static HttpClient own(Object transport) throws Exception {
        return (HttpClient) LibraryField.find(transport.getClass(), "java.net.http.HttpClient", "httpClient")
                .get(transport);
    }

    @Test
    void anAppsSubclassIsServedThroughTheLibrarysField() throws Exception {
        AppTransport transport = new AppTransport();
        Object answer = view().apply(transport);
        assertInstanceOf(AuthorizingHttpClient.class, answer);
        assertSame(own(transport), ((AuthorizingHttpClient) answer).delegate(), "the library's client, decorated");
    }

    @Test
    void manyFirstReadsAtOnceDecideOnceWithOneLogLine() throws Exception {
        Log.setOutput(new PrintStream(log, true, StandardCharsets.UTF_8));
        HttpClientView view = view();
        LibraryTransport transport = new LibraryTransport();
        List<Object> answers = new CopyOnWriteArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        Thread[] threads = new Thread[8];
        for (int i = 0; i < threads.length; i++) {
            threads[i] = new Thread(() -> {
                try {
                    start.await();
                    answers.add(view.apply(transport));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            threads[i].start();
        }
        start.countDown();
        for (Thread t : threads) {
            t.join(10_000);
        }
        assertEquals(8, answers.size());
        answers.forEach(a -> assertSame(answers.get(0), a, "one decorated client for the transport"));
        long lines = log.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("takes its tokens")).count();
        assertEquals(1, lines, log.toString(StandardCharsets.UTF_8));
    }
}
