package dev.mcprefresh.core.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class WwwAuthenticateTest {
    @Test
    void readsEveryChallengeWithQuotedAndTokenValues() {
        List<WwwAuthenticate.Challenge> c = WwwAuthenticate.parse(List.of(
                "Basic realm=\"simple\", Bearer realm=\"mcp\", error=invalid_token, "
                        + "error_description=\"say \\\"hi\\\", twice\", resource_metadata=\"https://x/prm\"",
                "Newauth abc=="));
        assertEquals(3, c.size());
        assertEquals("basic", c.get(0).scheme());
        assertEquals("simple", c.get(0).param("realm"));
        assertEquals("bearer", c.get(1).scheme());
        assertEquals("invalid_token", c.get(1).param("ERROR"));
        assertEquals("say \"hi\", twice", c.get(1).param("error_description"));
        assertEquals("https://x/prm", WwwAuthenticate.param(List.of("Bearer resource_metadata=\"https://x/prm\""),
                null, "resource_metadata"));
        assertEquals("newauth", c.get(2).scheme());
        assertTrue(c.get(2).params().isEmpty(), "a token68 is no parameter");
    }

    @Test
    void theFirstOfARepeatedParameterWinsAndSchemesAreCaseInsensitive() {
        assertEquals("insufficient_scope", WwwAuthenticate.param(List.of(
                "bEaReR error=\"insufficient_scope\", error=\"invalid_token\""), "Bearer", "error"));
        assertNull(WwwAuthenticate.param(List.of("Basic error=\"insufficient_scope\""), "Bearer", "error"));
    }

    @Test
    void brokenAndHostileHeadersNeverThrowAndStayBounded() {
        String[] hostile = {"", ",,,", "=", "\"", "Bearer \"", "Bearer error=\"unterminated", "Bearer =x, =\"y\"",
            "Bearer error", "Bearer error=", "Bearer ,error=\"x\"", "\u0000\u001b[31m Bearer error=\"\u0007\"",
            "Bearer " + "a=\"b\", ".repeat(100_000), "B ".repeat(50_000), "Bearer realm=\"" + "\\".repeat(20_001)};
        for (String h : hostile) {
            List<WwwAuthenticate.Challenge> c = WwwAuthenticate.parse(List.of(h));
            assertTrue(c.size() <= 16, "challenges are capped");
            c.forEach(ch -> assertTrue(ch.params().size() <= 32, "parameters are capped"));
        }
        assertEquals("x", WwwAuthenticate.param(List.of("Bearer ,error=\"x\""), "Bearer", "error"));
    }
}
