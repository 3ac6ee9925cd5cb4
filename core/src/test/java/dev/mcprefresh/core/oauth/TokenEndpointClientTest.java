package dev.mcprefresh.core.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcprefresh.core.LoopbackServer;
import dev.mcprefresh.core.LoopbackServer.Reply;
import dev.mcprefresh.core.store.TokenRecord;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TokenEndpointClientTest {
    private final LoopbackServer as;
    private final TokenEndpointClient client = new TokenEndpointClient(new OAuthHttp(Duration.ofSeconds(2)),
            Clock.systemUTC());

    TokenEndpointClientTest() throws Exception {
        as = new LoopbackServer();
    }

    @AfterEach
    void stop() {
        as.close();
    }

    private TokenRecord.Builder record() {
        return TokenRecord.builder("https://mcp.example/mcp").tokenEndpoint(as.base() + "/token").clientId("my client")
                .refreshToken("rt-1");
    }

    @Test
    void publicClientSendsClientIdAndResource() throws Exception {
        as.route("/token", r -> Reply.json(200, "{\"access_token\":\"at\",\"expires_in\":60}"));
        TokenResponse r = client.refresh(record().resource("https://mcp.example/mcp").build());
        assertEquals("at", r.accessToken());
        String body = as.requests.get(0).body();
        assertTrue(body.contains("grant_type=refresh_token"), body);
        assertTrue(body.contains("refresh_token=rt-1"), body);
        assertTrue(body.contains("client_id=my+client"), body);
        assertTrue(body.contains("resource=https%3A%2F%2Fmcp.example%2Fmcp"), body);
        assertTrue(as.requests.get(0).header("Authorization").isEmpty());
    }

    @Test
    void clientSecretBasicEncodesIdAndSecret() throws Exception {
        as.route("/token", r -> Reply.json(200, "{\"access_token\":\"at\"}"));
        client.refresh(record().clientSecret("s:e cret").authMethod(TokenRecord.AUTH_BASIC).build());
        String auth = as.requests.get(0).header("Authorization").get(0);
        String decoded = new String(Base64.getDecoder().decode(auth.substring(6)), StandardCharsets.UTF_8);
        assertEquals("my+client:s%3Ae+cret", decoded);
        assertFalse(as.requests.get(0).body().contains("client_secret"));
        assertFalse(as.requests.get(0).body().contains("client_id"));
    }

    @Test
    void clientSecretPostPutsBothInTheForm() throws Exception {
        as.route("/token", r -> Reply.json(200, "{\"access_token\":\"at\"}"));
        client.refresh(record().clientSecret("sec").authMethod(TokenRecord.AUTH_POST).build());
        String body = as.requests.get(0).body();
        assertTrue(body.contains("client_id=my+client") && body.contains("client_secret=sec"), body);
    }

    @Test
    void invalidGrantMeansNewLogin() {
        as.route("/token", r -> Reply.json(400, "{\"error\":\"invalid_grant\",\"error_description\":\"rt-1 used\"}"));
        TokenEndpointException e = assertThrows(TokenEndpointException.class, () -> client.refresh(record().build()));
        assertTrue(e.needsLogin());
        assertEquals("invalid_grant", e.error());
        assertFalse(e.getMessage().contains("rt-1"), e.getMessage());
    }

    @Test
    void serverErrorsAndRateLimitsAreTransient() {
        as.route("/token", r -> Reply.json(503, "<html>down</html>"));
        assertFalse(assertThrows(TokenEndpointException.class, () -> client.refresh(record().build())).needsLogin());
        as.route("/token", r -> Reply.json(429, "{}"));
        assertFalse(assertThrows(TokenEndpointException.class, () -> client.refresh(record().build())).needsLogin());
    }

    @Test
    void malformedSuccessIsTransientAndUnreachableIsTransient() {
        as.route("/token", r -> Reply.json(200, "{\"access_token\":"));
        assertFalse(assertThrows(TokenEndpointException.class, () -> client.refresh(record().build())).needsLogin());
        TokenRecord nowhere = record().tokenEndpoint("http://127.0.0.1:1/token").build();
        TokenEndpointException e = assertThrows(TokenEndpointException.class, () -> client.refresh(nowhere));
        assertFalse(e.needsLogin());
    }

    @Test
    void redirectsAreNotFollowed() {
        as.route("/token", r -> new Reply(307, "", java.util.Map.of("Location", "http://127.0.0.1:1/steal")));
        assertThrows(TokenEndpointException.class, () -> client.refresh(record().build()));
        assertEquals(1, as.requests.size());
    }
}
