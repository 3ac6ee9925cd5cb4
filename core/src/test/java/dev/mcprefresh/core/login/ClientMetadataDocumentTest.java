package dev.mcprefresh.core.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcprefresh.core.json.Json;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** CIMD: the client id URL's rules, and the document served at it. */
class ClientMetadataDocumentTest {

    @Test
    void httpsUrlsWithAPathAreClientIds() {
        for (String ok : new String[] {"https://example.com/mcp-refresh.json", "https://example.com/a/b/client",
                "https://example.com:8443/c.json", "https://EXAMPLE.com/c?v=2", "https://example.com/a.b/..c/c.",
                "https://example.com/dir/"}) {
            assertEquals(URI.create(ok), ClientMetadataDocument.clientId(ok), ok);
        }
    }

    private static String refusal(String url) {
        return assertThrows(IllegalArgumentException.class, () -> ClientMetadataDocument.clientId(url), url)
                .getMessage();
    }

    @Test
    void anythingButHttpsWithAHostIsRefused() {
        for (String bad : new String[] {"http://example.com/c.json", "ftp://example.com/c.json", "https:/c.json",
                "https:///c.json", "file:///c.json", "example.com/c.json"}) {
            assertTrue(refusal(bad).contains("https"), bad + ": " + refusal(bad));
        }
        assertTrue(refusal("https://exa mple.com/c").contains("not a URL"));
    }

    @Test
    void theUrlNeedsAPathOtherThanTheRoot() {
        for (String bad : new String[] {"https://example.com", "https://example.com/", "https://example.com?x=1",
                "https://example.com/?x=1"}) {
            assertTrue(refusal(bad).contains("path"), bad + ": " + refusal(bad));
        }
    }

    @Test
    void fragmentsAndUserInfoAreRefused() {
        assertTrue(refusal("https://example.com/c.json#frag").contains("fragment"));
        assertTrue(refusal("https://example.com/c.json#").contains("fragment"), "an empty fragment too");
        assertTrue(refusal("https://user@example.com/c.json").contains("user"));
        assertTrue(refusal("https://user:pw@example.com/c.json").contains("user"));
    }

    @Test
    void dotSegmentsAreRefusedAlsoWhenEncoded() {
        for (String bad : new String[] {"https://example.com/a/../c.json", "https://example.com/./c.json",
                "https://example.com/a/%2e%2e/c.json", "https://example.com/a/%2E%2e/c.json",
                "https://example.com/%2e/c.json", "https://example.com/a/.%2E/c.json", "https://example.com/a/.."}) {
            assertTrue(refusal(bad).contains(". or .."), bad + ": " + refusal(bad));
        }
    }

    @Test
    void theDocumentNamesAPublicNativeClientAtItsOwnUrl() {
        String url = "https://example.com/tools/mcp-refresh.json";
        Map<String, Object> d = Json.parseObject(ClientMetadataDocument.json(ClientMetadataDocument.clientId(url)));
        assertEquals(url, d.get("client_id"), "client_id is the document's own URL, character for character");
        assertEquals("native", d.get("application_type"));
        assertEquals(List.of("http://127.0.0.1/callback"), d.get("redirect_uris"));
        assertEquals(List.of("authorization_code", "refresh_token", "urn:ietf:params:oauth:grant-type:device_code"),
                d.get("grant_types"));
        assertEquals(List.of("code"), d.get("response_types"));
        assertEquals("none", d.get("token_endpoint_auth_method"));
        assertEquals("mcp-refresh", d.get("client_name"));
        assertEquals(Set.of("client_id", "client_name", "application_type", "redirect_uris", "grant_types",
                "response_types", "token_endpoint_auth_method"), d.keySet());
        assertFalse(d.containsKey("client_secret") || d.containsKey("client_secret_expires_at")
                || d.containsKey("jwks") || d.containsKey("jwks_uri"), "a public client: no secret, no keys");
    }

    @Test
    void theClientIdKeepsTheUrlAsGiven() {
        String url = "https://Example.com:443/a%20b/c.json?v=1";
        Map<String, Object> d = Json.parseObject(ClientMetadataDocument.json(ClientMetadataDocument.clientId(url)));
        assertEquals(url, d.get("client_id"));
    }
}
