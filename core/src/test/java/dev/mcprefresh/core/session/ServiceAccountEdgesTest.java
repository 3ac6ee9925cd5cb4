package dev.mcprefresh.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcprefresh.core.LoopbackServer;
import dev.mcprefresh.core.LoopbackServer.Reply;
import dev.mcprefresh.core.oauth.OAuthHttp;
import dev.mcprefresh.core.oauth.TokenEndpointClient;
import dev.mcprefresh.core.oauth.TokenEndpointException;
import dev.mcprefresh.core.oauth.TokenResponse;
import dev.mcprefresh.core.store.TokenRecord;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What a service account's entry does differently when its server answers like a user's grant. */
class ServiceAccountEdgesTest {
    private static TokenRecord.Builder service() {
        return TokenRecord.builder("https://mcp.example/mcp").clientId("svc").clientSecret("s")
                .grantType(TokenRecord.GRANT_CLIENT_CREDENTIALS).scope("mcp:read mcp:write");
    }

    @Test
    void noKeepAliveEvenWhenTheServerSentARefreshTokenWithItsLifetime() {
        // Keycloak can issue refresh tokens for client credentials: minting again is all a service account needs.
        Instant now = Instant.now();
        TokenRecord r = service().accessToken("at").expiresAt(now.plusSeconds(300)).refreshToken("rt")
                .refreshExpiresAt(now.plusSeconds(1800)).updatedAt(now).build();
        assertEquals(KeepAlivePlan.NONE, KeepAlivePlan.nextMillis(r, now.toEpochMilli(), 0.5));
        assertNull(KeepAlivePlan.rangeMillis(r, now.toEpochMilli()));
        TokenRecord user = r.toBuilder().grantType(TokenRecord.GRANT_REFRESH_TOKEN).build();
        assertTrue(KeepAlivePlan.nextMillis(user, now.toEpochMilli(), 0.5) != KeepAlivePlan.NONE, "a user's grant has one");
    }

    @Test
    void aNarrowerScopeInTheAnswerDoesNotNarrowWhatTheNextMintAsksFor() {
        Instant now = Instant.now();
        TokenResponse answer = TokenResponse.parse("{\"access_token\":\"at\",\"expires_in\":60,\"scope\":\"mcp:read\"}"
                .getBytes(StandardCharsets.UTF_8), now);
        assertEquals("mcp:read mcp:write", answer.applyTo(service().build(), now).scope());
        TokenRecord user = service().grantType(TokenRecord.GRANT_REFRESH_TOKEN).refreshToken("rt").build();
        assertEquals("mcp:read", answer.applyTo(user, now).scope(), "a user's grant records what was granted");
    }

    @Test
    void invalidGrantToAMintIsAConfigurationErrorNotADeadGrant() throws Exception {
        try (LoopbackServer as = new LoopbackServer()) {
            as.route("/token", r -> Reply.json(400, "{\"error\":\"invalid_grant\"}"));
            TokenEndpointClient client = new TokenEndpointClient(new OAuthHttp(Duration.ofSeconds(2)), Clock.systemUTC());
            TokenEndpointException e = assertThrows(TokenEndpointException.class,
                    () -> client.refresh(service().tokenEndpoint(as.base() + "/token").build()));
            assertTrue(e.configurationError() && !e.needsLogin(), e.getMessage());
        }
    }

    @Test
    void anEmptyClientIdWithAKeyIsAConfigurationErrorNotACrash() throws Exception {
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        java.nio.file.Path key = java.nio.file.Files.createTempFile("svc", ".pem");
        try {
            java.nio.file.Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n" + java.util.Base64.getMimeEncoder(64,
                    new byte[] {'\n'}).encodeToString(g.generateKeyPair().getPrivate().getEncoded())
                    + "\n-----END PRIVATE KEY-----\n");
            java.nio.file.Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions
                    .fromString("rw-------"));
            TokenRecord r = service().clientId("").clientSecret(null)
                    .clientKey(new dev.mcprefresh.core.store.ClientKey(key.toString(), null, null, null))
                    .tokenEndpoint("http://127.0.0.1:9/token").build();
            TokenEndpointClient client = new TokenEndpointClient(new OAuthHttp(Duration.ofSeconds(2)), Clock.systemUTC());
            TokenEndpointException e = assertThrows(TokenEndpointException.class, () -> client.refresh(r));
            assertTrue(e.configurationError(), e.getMessage());
        } finally {
            java.nio.file.Files.delete(key);
        }
    }
}
