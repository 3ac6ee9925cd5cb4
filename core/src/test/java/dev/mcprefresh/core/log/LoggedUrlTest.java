package dev.mcprefresh.core.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.URI;
import org.junit.jupiter.api.Test;

class LoggedUrlTest {

    @Test
    void userinfoQueryAndFragmentAreDropped() {
        String url = "https://user:pw@host:8443/mcp?api_key=SECRET#frag";
        assertEquals("https://host:8443/mcp", LoggedUrl.of(URI.create(url)));
        assertEquals("https://host:8443/mcp", LoggedUrl.of(url));
        assertEquals("http://[::1]:8080/a%20b", LoggedUrl.of("http://[::1]:8080/a%20b?x=1"));
        assertEquals("https://host", LoggedUrl.of("https://host?code=SECRET"));
        assertEquals("https://host/mcp", LoggedUrl.of("https://host/mcp"));
        assertEquals("/mcp", LoggedUrl.of("/mcp?api_key=SECRET"));
    }

    @Test
    void aUrlJavaCannotParseAsAServerIsCutAsText() {
        // An underscore is no host name: java.net.URI keeps it as a registry authority with a null host.
        assertEquals("https://evil_host.example/steal", LoggedUrl.of("https://evil_host.example/steal?api_key=SECRET"));
        assertEquals("https://evil_host.example/steal",
                LoggedUrl.of(URI.create("https://u:SECRET@evil_host.example/steal?api_key=SECRET")));
        // Not a URI at all (a space, a stray '%'): cut at the first '?' or '#', userinfo dropped.
        assertEquals("https://host/a b", LoggedUrl.of("https://u:SECRET@host/a b?api_key=SECRET#x"));
        assertEquals("https://host/a@b c", LoggedUrl.of("https://me@x:SECRET@host/a@b c#SECRET"));
        assertEquals("https://host/%zz", LoggedUrl.of("https://SECRET@host/%zz"));
        assertEquals("https://host", LoggedUrl.of("https://SECRET@host#?"));
        // No "//": Java reads the first as an opaque URI with scheme "user", the second as a relative path.
        assertEquals("user:host:8443/mcp", LoggedUrl.of("user:SECRET@host:8443/mcp?x"));
        assertEquals("host/mcp", LoggedUrl.of("SECRET@host/mcp"));
        assertEquals("mailto:example.com", LoggedUrl.of("mailto:SECRET@example.com?subject=x"));
    }

    @Test
    void neverThrowsAndShowsOnlyPrintableAscii() {
        assertEquals("(none)", LoggedUrl.of((URI) null));
        assertEquals("(none)", LoggedUrl.of((String) null));
        assertEquals("https://host/?[31mred?next", LoggedUrl.of("https://host/\u001b[31mred\nnext?x=SECRET"));
        assertEquals("https://h?st/p", LoggedUrl.of("https://h\u00f6st/p?SECRET"));
        for (String odd : new String[] {"", "@", "//@", "https://@/?#", "://", "a:b@c", "http://[::1", "%", "?SECRET",
            "#SECRET", "https://SECRET@", "a b:SECRET@c", "\u0000\ud800", "https://h/%\u0000?SECRET"}) {
            String shown = LoggedUrl.of(odd);
            assertFalse(shown.contains("SECRET"), odd + " -> " + shown);
            assertEquals(shown, shown.replaceAll("[^\\x20-\\x7e]", ""), "printable: " + odd);
        }
    }
}
