package dev.mcprefresh.bench;

import dev.mcprefresh.core.http.AuthorizingClientBuilder;
import dev.mcprefresh.core.oauth.OAuthHttp;
import dev.mcprefresh.core.oauth.TokenEndpointClient;
import dev.mcprefresh.core.http.RequestPolicy;
import dev.mcprefresh.core.session.CredentialsRegistry;
import dev.mcprefresh.core.store.TokenRecord;
import dev.mcprefresh.core.store.FileTokenStore;
import dev.mcprefresh.core.store.TokenStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the decorator adds to one MCP request with a valid cached token: the same POST (an MCP tool call body, the
 * app's static Authorization header) through the bare stub client and through the decorated one.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(2)
public class PerRequestBenchmark {
    private static final String BODY = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\","
            + "\"params\":{\"name\":\"ping\",\"arguments\":{}}}";

    private HttpClient bare;
    private HttpClient decorated;
    /** The SDK builds a new request per call, with the same headers: the benchmark cycles through such requests. */
    private final HttpRequest[] requests = new HttpRequest[256];
    private int next;
    private final HttpResponse.BodyHandler<Void> discard = HttpResponse.BodyHandlers.discarding();

    @Setup
    public void setUp() throws Exception {
        URI server = URI.create("http://127.0.0.1:8080/mcp");
        TokenStore store = new FileTokenStore(Files.createTempDirectory("bench").resolve("tokens.json"), Duration.ofSeconds(5));
        TokenRecord record = TokenRecord.builder(server.toString()).tokenEndpoint("http://127.0.0.1:9/token")
                .clientId("bench").accessToken("a".repeat(43)).refreshToken("r".repeat(43))
                .expiresAt(Instant.now().plusSeconds(24 * 3600)).updatedAt(Instant.now()).build();
        store.update(c -> {
            c.put(record);
            return null;
        });
        CredentialsRegistry registry = new CredentialsRegistry(store, new TokenEndpointClient(
                new OAuthHttp(Duration.ofSeconds(1)), Clock.systemUTC()), Duration.ofSeconds(60), Clock.systemUTC());
        bare = new StubHttpClient();
        // The app's own opaque token picks the server's only identity, decided once for that header value.
        decorated = new AuthorizingClientBuilder(new StubBuilder(), RequestPolicy.forTransport(registry, server)).build();
        for (int i = 0; i < requests.length; i++) {
            requests[i] = HttpRequest.newBuilder(server).header("Authorization", "Bearer static-token-the-app-set")
                    .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                    .header("MCP-Protocol-Version", "2025-11-25").header("Mcp-Session-Id", "3f1c6a0e-session")
                    .POST(HttpRequest.BodyPublishers.ofString(BODY)).build();
        }
    }

    @Benchmark
    public HttpResponse<Void> bareClient() {
        return bare.sendAsync(nextRequest(), discard).join();
    }

    @Benchmark
    public HttpResponse<Void> decoratedClient() {
        return decorated.sendAsync(nextRequest(), discard).join();
    }

    private HttpRequest nextRequest() {
        next = (next + 1) & (requests.length - 1);
        return requests[next];
    }

    /** Builds the stub, so the decorator is made exactly as the agent makes it, through the builder. */
    private static final class StubBuilder implements HttpClient.Builder {
        @Override public HttpClient.Builder cookieHandler(java.net.CookieHandler c) { return this; }
        @Override public HttpClient.Builder connectTimeout(Duration d) { return this; }
        @Override public HttpClient.Builder sslContext(javax.net.ssl.SSLContext s) { return this; }
        @Override public HttpClient.Builder sslParameters(javax.net.ssl.SSLParameters s) { return this; }
        @Override public HttpClient.Builder executor(java.util.concurrent.Executor e) { return this; }
        @Override public HttpClient.Builder followRedirects(HttpClient.Redirect r) { return this; }
        @Override public HttpClient.Builder version(HttpClient.Version v) { return this; }
        @Override public HttpClient.Builder priority(int p) { return this; }
        @Override public HttpClient.Builder proxy(java.net.ProxySelector p) { return this; }
        @Override public HttpClient.Builder authenticator(java.net.Authenticator a) { return this; }
        @Override public HttpClient build() { return new StubHttpClient(); }
    }
}
