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
    private final HttpRequest app = HttpRequest.newBuilder(URI.create("https://mcp.example/mcp"))
            .header("authorization", "Bearer static").header("Authorization", "Bearer second")
            .header("Mcp-Session-Id", "s-1").timeout(Duration.ofSeconds(7)).version(HttpClient.Version.HTTP_1_1)
            .expectContinue(true).POST(HttpRequest.BodyPublishers.ofString("{}")).build();

    @Test
    void everyAuthorizationValueIsReplacedByOursAndTheRestIsKept() {
        AuthorizedRequest r = new AuthorizedRequest(app, "Bearer fresh");
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
        AuthorizedRequest once = new AuthorizedRequest(app, "Bearer one");
        AuthorizedRequest twice = new AuthorizedRequest(once, "Bearer two");
        assertSame(app, twice.original());
        assertEquals(List.of("Bearer two"), twice.headers().allValues("Authorization"));
    }

    @Test
    void aRequestWithoutAuthorizationGetsOne() {
        HttpRequest plain = HttpRequest.newBuilder(URI.create("https://mcp.example/mcp")).GET().build();
        assertEquals(List.of("Bearer x"), new AuthorizedRequest(plain, "Bearer x").headers().allValues("authorization"));
    }
}
