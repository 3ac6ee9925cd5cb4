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
    void invalidGrantIsTheOnlyAnswerThatKillsTheGrant() {
        for (int status : new int[] {400, 401}) {
            as.route("/token", r -> Reply.json(status, "{\"error\":\"invalid_grant\"}"));
            TokenEndpointException e = assertThrows(TokenEndpointException.class, () -> client.refresh(record().build()));
            assertEquals(TokenEndpointException.Failure.GRANT_DEAD, e.failure());
            assertTrue(e.needsLogin());
            assertFalse(e.configurationError());
        }
    }

    @Test
    void aRefusedClientResourceOrScopeIsAConfigurationErrorThatSaysWhatToFix() {
        String[][] cases = {
            {"invalid_client", "client_id, client secret or token_endpoint_auth_method"},
            {"unauthorized_client", "not allowed the refresh_token grant"},
            {"invalid_target", "--resource"},
            {"invalid_scope", "--scope"},
            {"unsupported_grant_type", "does not support the refresh_token grant"},
            {"invalid_request", "malformed"},
        };
        for (String[] c : cases) {
            for (int status : new int[] {400, 401}) {
                as.route("/token", r -> Reply.json(status, "{\"error\":\"" + c[0] + "\",\"error_description\":"
                        + "\"rt-SECRET and cs-SECRET are wrong\"}"));
                TokenEndpointException e = assertThrows(TokenEndpointException.class, () -> client.refresh(
                        record().refreshToken("rt-SECRET").clientSecret("cs-SECRET").authMethod(TokenRecord.AUTH_POST)
                                .build()));
                String shown = c[0] + " " + status + ": " + e.getMessage();
                assertEquals(TokenEndpointException.Failure.CONFIGURATION, e.failure(), shown);
                assertFalse(e.needsLogin(), "not a dead grant: " + shown);
                assertTrue(e.configurationError(), shown);
                assertEquals(c[0], e.error());
                assertTrue(e.getMessage().startsWith("the token endpoint answered " + status + " " + c[0] + ": "), shown);
                assertTrue(e.getMessage().contains(c[1]), shown);
                assertFalse(e.getMessage().contains("SECRET"), shown);
            }
        }
    }

    @Test
    void aRefusalWithoutAnOAuthErrorBodyIsTransient() {
        java.util.List<Reply> replies = java.util.List.of(
            new Reply(400, "<html><body>Bad Request rt-1</body></html>", java.util.Map.of("Content-Type", "text/html")),
            new Reply(401, "", java.util.Map.of("WWW-Authenticate", "Basic realm=\"proxy\"")),
            Reply.json(400, "{}"),
            Reply.json(401, "{\"message\":\"unauthorized\"}"),
            Reply.json(400, "{\"error\":\"<script>rt-1</script>\"}"),
            Reply.json(400, "{\"error\":42}"),
            Reply.json(400, "[\"invalid_grant\"]"),
            Reply.json(400, "{\"error\":\"invalid_grant\""), // truncated: not the answer of the server
            Reply.json(400, "{\"error\":\"temporarily_unavailable\"}")); // not a refusal RFC 6749 5.2 defines
        for (Reply reply : replies) {
            as.route("/token", r -> reply);
            TokenEndpointException e = assertThrows(TokenEndpointException.class, () -> client.refresh(record().build()));
            String shown = reply + ": " + e.getMessage();
            assertEquals(TokenEndpointException.Failure.TRANSIENT, e.failure(), shown);
            assertFalse(e.needsLogin(), shown);
            assertFalse(e.configurationError(), shown);
            assertFalse(e.getMessage().contains("rt-1") || e.getMessage().contains("<"), shown);
        }
    }

    @Test
    void theOtherFailuresKeepTheirMeaning() {
        as.route("/token", r -> new Reply(307, "", java.util.Map.of("Location", "http://127.0.0.1:1/steal")));
        assertEquals(TokenEndpointException.Failure.TRANSIENT,
                assertThrows(TokenEndpointException.class, () -> client.refresh(record().build())).failure());
        as.route("/token", r -> Reply.json(502, "{\"error\":\"invalid_grant\"}"));
        assertEquals(TokenEndpointException.Failure.TRANSIENT,
                assertThrows(TokenEndpointException.class, () -> client.refresh(record().build())).failure(),
                "only 400 and 401 carry RFC 6749 5.2 refusals");
        as.route("/token", r -> Reply.json(200, "{\"refresh_token\":\"rt-2\"}"));
        TokenEndpointException unusable = assertThrows(TokenEndpointException.class, () -> client.refresh(record().build()));
        assertEquals(TokenEndpointException.Failure.TRANSIENT, unusable.failure());
        assertEquals("rt-2", unusable.rotatedRefreshToken(), "kept so the caller can store it");
        assertFalse(unusable.getMessage().contains("rt-2"), unusable.getMessage());
        int before = as.requests.size();
        TokenEndpointException none = assertThrows(TokenEndpointException.class,
                () -> client.refresh(record().refreshToken(null).build()));
        assertEquals("no refresh token is stored", none.getMessage());
        assertTrue(none.needsLogin());
        TokenEndpointException noEndpoint = assertThrows(TokenEndpointException.class,
                () -> client.refresh(record().tokenEndpoint(null).build()));
        assertTrue(noEndpoint.needsLogin());
        assertEquals(before, as.requests.size(), "nothing was sent");
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
