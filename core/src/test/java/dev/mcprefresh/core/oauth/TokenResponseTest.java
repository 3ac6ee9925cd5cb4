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

    private static String jwt(String claims) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + ".sig";
    }

    @Test
    void theIdentityComesFromTheIdTokenElseAJwtAccessTokenElseIsUnknown() {
        String idToken = jwt("{\"iss\":\"https://as.example\",\"sub\":\"u-1\",\"preferred_username\":\"alice\"}");
        TokenResponse r = parse("{\"access_token\":\"" + jwt("{\"sub\":\"other\"}") + "\",\"id_token\":\"" + idToken
                + "\"}");
        assertEquals("u-1", r.identity().subject());
        assertEquals("https://as.example", r.identity().issuer());
        assertEquals("alice (u-1)", r.identity().label());
        assertEquals("bob", parse("{\"access_token\":\"" + jwt("{\"iss\":\"x\",\"sub\":\"bob\"}") + "\"}")
                .identity().subject());
        assertNull(parse("{\"access_token\":\"opaque\"}").identity().subject());
    }

    @Test
    void aRefreshLearnsAnUnknownSubjectButNeverChangesAKnownOneOrTheEntryId() {
        dev.mcprefresh.core.store.TokenRecord unknown = dev.mcprefresh.core.store.TokenRecord
                .builder("https://mcp.example/mcp").issuer("https://as.example").accessToken("old").build();
        TokenResponse r = parse("{\"access_token\":\"new\",\"id_token\":\"" + jwt("{\"sub\":\"u-1\"}") + "\"}");
        dev.mcprefresh.core.store.TokenRecord learned = r.applyTo(unknown, NOW);
        assertEquals("u-1", learned.subject());
        assertEquals(unknown.id(), learned.id());
        assertEquals("https://as.example", learned.issuer(), "the issuer from the server's metadata stays");
        assertEquals(learned.issuedTokens().get(0), dev.mcprefresh.core.store.TokenFingerprint.of("new"));
        dev.mcprefresh.core.store.TokenRecord known = unknown.toBuilder().subject("u-9").build();
        assertEquals("u-9", r.applyTo(known, NOW).subject());
    }

    @Test
    void refreshExpiresAtSlidesWhenTheSameRefreshTokenIsKept() {
        dev.mcprefresh.core.store.TokenRecord old = dev.mcprefresh.core.store.TokenRecord
                .builder("https://mcp.example/mcp").accessToken("old").refreshToken("r")
                .refreshExpiresAt(NOW.minusSeconds(10)).updatedAt(NOW.minusSeconds(1790)).build();
        // No rotation, but the server says the same refresh token's idle window starts again now.
        dev.mcprefresh.core.store.TokenRecord slid = parse("{\"access_token\":\"new\",\"expires_in\":60,"
                + "\"refresh_expires_in\":1800}").applyTo(old, NOW);
        assertEquals("r", slid.refreshToken(), "the refresh token is kept");
        assertEquals(NOW.plusSeconds(1800), slid.refreshExpiresAt(), "its end moved with the refresh");
        assertEquals(NOW, slid.updatedAt());
        // Neither rotated nor stated: the stored end stays (the same token, nothing new said about it).
        assertEquals(NOW.minusSeconds(10), parse("{\"access_token\":\"new\"}").applyTo(old, NOW).refreshExpiresAt());
        // A new refresh token whose end the server did not state: the old token's end is not its end.
        assertNull(parse("{\"access_token\":\"new\",\"refresh_token\":\"r2\"}").applyTo(old, NOW)
                .refreshExpiresAt());
        // Keycloak's 0: no stated end; with a new token that clears the old end.
        assertNull(parse("{\"access_token\":\"new\",\"refresh_token\":\"r2\",\"refresh_expires_in\":0}")
                .applyTo(old, NOW).refreshExpiresAt());
        dev.mcprefresh.core.store.TokenRecord rotated = parse("{\"access_token\":\"new\",\"refresh_token\":\"r2\","
                + "\"refresh_expires_in\":600}").applyTo(old, NOW);
        assertEquals("r2", rotated.refreshToken());
        assertEquals(NOW.plusSeconds(600), rotated.refreshExpiresAt());
    }

    @Test
    void aRefreshKeepsTheStoredIdleLifetimeAndSessionEnd() {
        dev.mcprefresh.core.store.TokenRecord old = dev.mcprefresh.core.store.TokenRecord
                .builder("https://mcp.example/mcp").accessToken("old").refreshToken("r").refreshIdleSeconds(900L)
                .sessionEndsAt(NOW.plusSeconds(36_000)).build();
        dev.mcprefresh.core.store.TokenRecord after = parse("{\"access_token\":\"new\",\"refresh_token\":\"r2\"}")
                .applyTo(old, NOW);
        assertEquals(900L, after.refreshIdleSeconds());
        assertEquals(NOW.plusSeconds(36_000), after.sessionEndsAt());
    }
}
