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

    @Test
    void exactUrlWinsThenLongestPathPrefixThenSoleEntryOnTheOrigin() {
        List<TokenRecord> records = List.of(r("https://a.example/mcp"), r("https://a.example/tenant/mcp"),
                r("https://b.example:8443/sse"));
        assertEquals("https://a.example/mcp", ServerMatcher.find(records, URI.create("https://a.example/mcp/")).serverUrl());
        assertEquals("https://a.example/tenant/mcp",
                ServerMatcher.find(records, URI.create("https://A.example:443/tenant/mcp")).serverUrl());
        assertEquals("https://b.example:8443/sse",
                ServerMatcher.find(records, URI.create("https://b.example:8443/other")).serverUrl());
        assertNull(ServerMatcher.find(records, URI.create("https://a.example/unrelated")),
                "two entries on the origin and neither path fits: no guess");
    }

    @Test
    void aTokenNeverMatchesAnotherOrigin() {
        List<TokenRecord> records = List.of(r("https://a.example/mcp"));
        assertNull(ServerMatcher.find(records, URI.create("http://a.example/mcp")));
        assertNull(ServerMatcher.find(records, URI.create("https://a.example:8443/mcp")));
        assertNull(ServerMatcher.find(records, URI.create("https://a.example.evil/mcp")));
        assertTrue(ServerMatcher.sameOrigin(URI.create("https://A.EXAMPLE/x"), "https", "a.example", 443));
        assertFalse(ServerMatcher.sameOrigin(URI.create("https://a.example:444/x"), "https", "a.example", 443));
    }
}
