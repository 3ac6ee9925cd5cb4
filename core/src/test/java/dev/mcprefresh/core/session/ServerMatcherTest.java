package dev.mcprefresh.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcprefresh.core.store.TokenRecord;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerMatcherTest {
    private static TokenRecord r(String url) {
        return TokenRecord.builder(url).build();
    }

    private static String find(List<TokenRecord> records, String url) {
        return ServerMatcher.find(records, URI.create(url)).serverUrl;
    }

    @Test
    void theLongestStoredPathThatIsASegmentPrefixWins() {
        List<TokenRecord> records = List.of(r("https://a.example/mcp"), r("https://a.example/tenant/mcp"),
                r("https://a.example/"));
        assertEquals("https://a.example/mcp", find(records, "https://a.example/mcp/"));
        assertEquals("https://a.example/mcp", find(records, "https://a.example/mcp/messages?session=1"));
        assertEquals("https://a.example/tenant/mcp", find(records, "https://A.example:443/tenant/mcp"));
        assertEquals("https://a.example/", find(records, "https://a.example/mcpx"), "a segment prefix, not a string one");
        assertEquals("https://a.example/", find(records, "https://a.example/unrelated"));
    }

    @Test
    void theOnlyEntryOnAnOriginDoesNotCoverItsOtherPaths() {
        // Before: the sole entry on an origin matched any path, so a /jira/mcp transport got the /github/mcp token.
        List<TokenRecord> records = List.of(r("https://tools.example/github/mcp"));
        assertNull(find(records, "https://tools.example/jira/mcp"));
        assertNull(find(records, "https://tools.example/github"), "a stored path longer than the transport's");
        assertNull(find(records, "https://tools.example/"));
    }

    @Test
    void twoStoredUrlsForTheSameServerWrittenTwoWaysAreATieAndMatchNothing() {
        List<TokenRecord> records = List.of(r("https://a.example/mcp"), r("https://A.EXAMPLE:443/mcp/"));
        ServerMatcher.Match m = ServerMatcher.find(records, URI.create("https://a.example/mcp"));
        assertNull(m.serverUrl);
        assertEquals(2, m.tied.size());
    }

    @Test
    void severalIdentitiesOfOneServerUrlAreOneCandidate() {
        TokenRecord alice = TokenRecord.builder("https://a.example/mcp").subject("alice").build();
        TokenRecord bob = TokenRecord.builder("https://a.example/mcp").subject("bob").build();
        assertEquals("https://a.example/mcp", find(List.of(alice, bob), "https://a.example/mcp"));
    }

    @Test
    void aTokenNeverMatchesAnotherOrigin() {
        List<TokenRecord> records = List.of(r("https://a.example/mcp"));
        assertNull(find(records, "http://a.example/mcp"));
        assertNull(find(records, "https://a.example:8443/mcp"));
        assertNull(find(records, "https://a.example.evil/mcp"));
        assertNull(find(records, "https://a.example@evil.example/mcp"));
    }

    @Test
    void hostsTheUriClassCannotParseNeverMatchEachOther() {
        // Before: both hosts became "" and the first URL matched the entry of the second.
        List<TokenRecord> records = List.of(r("https://mcp_a.internal/mcp"));
        assertNull(find(records, "https://evil_host.example/steal"));
        assertNull(find(records, "https://evil_host.example/mcp"));
        assertEquals("https://mcp_a.internal/mcp", find(records, "https://mcp_a.internal/mcp"));
        assertEquals("https://mcp_a.internal/mcp", find(records, "https://MCP_A.internal:443/mcp"));
        assertNull(find(records, "https://mcp_a.internal:8443/mcp"));
    }

    @Test
    void originsCompareSchemeHostAndPortWithDefaults() {
        Origin o = Origin.of(URI.create("https://A.example/mcp"));
        assertTrue(o.matches(URI.create("https://a.EXAMPLE:443/other")));
        assertFalse(o.matches(URI.create("http://a.example/mcp")));
        assertFalse(o.matches(URI.create("https://a.example:444/mcp")));
        assertFalse(o.matches(URI.create("https://evil_host.example/mcp")));
        Origin v6 = Origin.of(URI.create("http://[::1]:8080/mcp"));
        assertTrue(v6.matches(URI.create("http://[::1]:8080/x")));
        assertFalse(v6.matches(URI.create("http://[::2]:8080/x")));
        Origin raw = Origin.of(URI.create("https://user@mcp_a.internal/mcp"));
        assertTrue(raw.matches(URI.create("https://mcp_a.internal/x")));
        assertFalse(raw.matches(URI.create("https://mcp_b.internal/x")));
        assertFalse(raw.matches(URI.create("https://mcp_a.internal:444/x")));
        assertTrue(ServerMatcher.sameOrigin(URI.create("https://A.EXAMPLE/x"), "https://a.example:443/token"));
        assertFalse(ServerMatcher.sameOrigin(URI.create("https://a.example:444/x"), "https://a.example/token"));
    }
}
