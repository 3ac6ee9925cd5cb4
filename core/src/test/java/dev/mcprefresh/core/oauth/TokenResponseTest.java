package dev.mcprefresh.core.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mcprefresh.core.json.JsonException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class TokenResponseTest {
    private static final Instant NOW = Instant.parse("2026-11-22T00:00:00Z");

    private static TokenResponse parse(String json) {
        return TokenResponse.parse(json.getBytes(StandardCharsets.UTF_8), NOW);
    }

    @Test
    void expiresInIsAnchoredAtTheRequestTime() {
        TokenResponse r = parse("{\"access_token\":\"a\",\"token_type\":\"Bearer\",\"expires_in\":3,\"refresh_token\":\"r\"}");
        assertEquals(NOW.plusMillis(2250), r.expiresAt(), "a quarter second-rounding allowance on a 3 s token");
        assertEquals("r", r.refreshToken());
    }

    @Test
    void expiresInZeroMeansAlreadyExpired() {
        assertEquals(NOW, parse("{\"access_token\":\"a\",\"expires_in\":0}").expiresAt());
    }

    @Test
    void missingExpiresInFallsBackToTheJwtExp() {
        String payload = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"sub\":\"x\",\"exp\":1800000000}".getBytes(StandardCharsets.UTF_8));
        String jwt = "eyJhbGciOiJub25lIn0." + payload + ".sig";
        assertEquals(Instant.ofEpochSecond(1800000000L), parse("{\"access_token\":\"" + jwt + "\"}").expiresAt());
    }

    @Test
    void aJwtExpEarlierThanExpiresInWins() {
        String payload = Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("{\"exp\":" + NOW.plusSeconds(30).getEpochSecond() + "}").getBytes(StandardCharsets.UTF_8));
        TokenResponse r = parse("{\"access_token\":\"h." + payload + ".s\",\"expires_in\":3600}");
        assertEquals(NOW.plusSeconds(30), r.expiresAt());
    }

    @Test
    void unknownExpiryStaysUnknown() {
        assertNull(parse("{\"access_token\":\"opaque\"}").expiresAt());
        assertNull(parse("{\"access_token\":\"opaque\",\"expires_in\":-5}").expiresAt());
        assertNull(parse("{\"access_token\":\"opaque\",\"expires_in\":99999999999}").expiresAt());
    }

    @Test
    void stringExpiresInIsAccepted() {
        assertEquals(NOW.plusSeconds(59), parse("{\"access_token\":\"a\",\"expires_in\":\"60\"}").expiresAt());
    }

    @Test
    void emptyRefreshTokenCountsAsAbsent() {
        assertNull(parse("{\"access_token\":\"a\",\"refresh_token\":\"\"}").refreshToken());
    }

    @Test
    void invalidResponsesAreRejectedWithoutEchoingThem() {
        assertThrows(JsonException.class, () -> parse("{\"token_type\":\"Bearer\"}"));
        assertThrows(JsonException.class, () -> parse("{\"access_token\":\"a\",\"token_type\":\"DPoP\"}"));
        JsonException e = assertThrows(JsonException.class, () -> parse("<html>secret-page</html>"));
        assertFalse(e.getMessage().contains("secret-page"), e.getMessage());
        JsonException t = assertThrows(JsonException.class, () -> parse("{\"access_token\":\"abc-secret"));
        assertFalse(t.getMessage().contains("abc-secret"), t.getMessage());
    }
}
