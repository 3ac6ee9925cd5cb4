package dev.mcprefresh.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient.Redirect;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The decorator follows redirects as the JDK's own client would, except for what a hop carries. */
class RedirectsTest {
    private static final URI FROM = URI.create("https://mcp.example/mcp");

    @Test
    void theAppsPolicyDecidesWhetherAndWhereToGo() {
        assertNull(Redirects.target(Redirect.NEVER, FROM, 307, Optional.of("/x")));
        assertEquals(URI.create("https://mcp.example/x"), Redirects.target(Redirect.NORMAL, FROM, 307, Optional.of("/x")));
        assertNull(Redirects.target(Redirect.NORMAL, FROM, 302, Optional.of("http://mcp.example/x")), "no downgrade");
        assertEquals(URI.create("http://mcp.example/x"),
                Redirects.target(Redirect.ALWAYS, FROM, 302, Optional.of("http://mcp.example/x")));
        assertNull(Redirects.target(Redirect.ALWAYS, FROM, 304, Optional.of("/x")));
        assertNull(Redirects.target(Redirect.ALWAYS, FROM, 307, Optional.empty()));
        assertNull(Redirects.target(Redirect.ALWAYS, FROM, 307, Optional.of("ftp://mcp.example/x")));
        assertNull(Redirects.target(Redirect.ALWAYS, FROM, 307, Optional.of("https://evil_host.example/x")),
                "a host the URI class cannot parse is not followed");
    }

    @Test
    void methodsChangeAsTheJdksClientChangesThem() {
        assertEquals("GET", Redirects.method(303, "POST"));
        assertEquals("HEAD", Redirects.method(303, "HEAD"));
        assertEquals("GET", Redirects.method(302, "POST"));
        assertEquals("PUT", Redirects.method(301, "PUT"));
        assertEquals("POST", Redirects.method(307, "POST"));
        assertTrue(Redirects.keepsBody(308, "POST"));
        assertFalse(Redirects.keepsBody(303, "POST"));
    }

    @Test
    void aHopToAnotherOriginCarriesNoAuthorizationAtAll() {
        HttpRequest app = HttpRequest.newBuilder(FROM).header("Authorization", "Bearer app")
                .header("authorization", "Bearer second").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build();
        HttpRequest hop = Redirects.next(app, URI.create("https://other.example/x"), 307, true);
        assertEquals(List.of(), hop.headers().allValues("Authorization"));
        assertEquals(List.of("application/json"), hop.headers().allValues("Accept"));
        assertEquals("POST", hop.method());
        assertTrue(hop.bodyPublisher().isPresent());
        HttpRequest same = Redirects.next(app, URI.create("https://mcp.example/y"), 303, false);
        assertEquals("GET", same.method());
        assertFalse(same.bodyPublisher().isPresent());
        assertEquals(2, same.headers().allValues("Authorization").size(), "the app's own, for the decorator to replace");
    }
}
