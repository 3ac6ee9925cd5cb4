package dev.mcprefresh.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuthorizedRequestTest {
    private final AuthorizedHeaders headers = new AuthorizedHeaders();
    private final HttpRequest app = HttpRequest.newBuilder(URI.create("https://mcp.example/mcp"))
            .header("authorization", "Bearer static").header("Authorization", "Bearer second")
            .header("Mcp-Session-Id", "s-1").timeout(Duration.ofSeconds(7)).version(HttpClient.Version.HTTP_1_1)
            .expectContinue(true).POST(HttpRequest.BodyPublishers.ofString("{}")).build();

    @Test
    void everyAuthorizationValueIsReplacedByOursAndTheRestIsKept() {
        AuthorizedRequest r = new AuthorizedRequest(app, "Bearer fresh", headers);
        assertEquals(List.of("Bearer fresh"), r.headers().allValues("AUTHORIZATION"));
        assertEquals(List.of("s-1"), r.headers().allValues("mcp-session-id"));
        assertEquals(2, r.headers().map().size());
        assertEquals("POST", r.method());
        assertSame(app.bodyPublisher().get(), r.bodyPublisher().get(), "the body is shared, not copied");
        assertEquals(app.timeout(), r.timeout());
        assertEquals(app.version(), r.version());
        assertTrue(r.expectContinue());
        assertEquals(app.uri(), r.uri());
    }

    @Test
    void reAuthorizingStartsFromTheAppsRequest() {
        AuthorizedRequest once = new AuthorizedRequest(app, "Bearer one", headers);
        AuthorizedRequest twice = new AuthorizedRequest(once, "Bearer two", headers);
        assertSame(app, twice.original());
        assertEquals(List.of("Bearer two"), twice.headers().allValues("Authorization"));
    }

    @Test
    void aRequestWithoutAuthorizationGetsOne() {
        HttpRequest plain = HttpRequest.newBuilder(URI.create("https://mcp.example/mcp")).GET().build();
        assertEquals(List.of("Bearer x"), new AuthorizedRequest(plain, "Bearer x", headers).headers().allValues("authorization"));
    }

    @Test
    void anEqualHeaderSetWithTheSameTokenReusesTheHeadersBuiltBefore() {
        String token = "Bearer t-1";
        HttpRequest again = HttpRequest.newBuilder(app.uri()).header("authorization", "Bearer static")
                .header("Authorization", "Bearer second").header("Mcp-Session-Id", "s-1").GET().build();
        HttpRequest otherSession = HttpRequest.newBuilder(app.uri()).header("Mcp-Session-Id", "s-2").GET().build();
        AuthorizedRequest first = new AuthorizedRequest(app, token, headers);
        assertSame(first.headers(), new AuthorizedRequest(again, token, headers).headers());
        AuthorizedRequest refreshed = new AuthorizedRequest(again, "Bearer t-2", headers);
        assertEquals(List.of("Bearer t-2"), refreshed.headers().allValues("authorization"), "a new token, new headers");
        AuthorizedRequest other = new AuthorizedRequest(otherSession, "Bearer t-2", headers);
        assertEquals(List.of("s-2"), other.headers().allValues("mcp-session-id"), "other app headers, new headers");
        assertEquals(List.of("Bearer t-2"), other.headers().allValues("authorization"));
    }

    /**
     * Another agent adds a header to the original's headers as the client reads them (OpenTelemetry's traceparent, put
     * on inside send from the span current then): the authorized request shows it, read at that moment, not before.
     */
    @Test
    void headersAnotherAgentAddsAtSendTimeAreKept() {
        HeadersAddedAtSend traced = new HeadersAddedAtSend(app);
        AuthorizedRequest r = new AuthorizedRequest(traced, "Bearer fresh", headers);
        traced.traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        assertEquals(List.of(traced.traceparent), r.headers().allValues("traceparent"));
        assertEquals(List.of("Bearer fresh"), r.headers().allValues("Authorization"));
        traced.traceparent = "00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01";
        assertEquals(List.of(traced.traceparent), r.headers().allValues("traceparent"), "each read, the current one");
    }

    /** A request whose headers gain a traceparent once one is set, as an instrumented {@code headers()} does. */
    private static final class HeadersAddedAtSend extends RequestView {
        volatile String traceparent;

        HeadersAddedAtSend(HttpRequest original) {
            super(original);
        }

        @Override
        public java.net.http.HttpHeaders headers() {
            java.util.Map<String, List<String>> map = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            map.putAll(original().headers().map());
            if (traceparent != null) {
                map.put("traceparent", List.of(traceparent));
            }
            return java.net.http.HttpHeaders.of(map, (name, value) -> true);
        }
    }
}
