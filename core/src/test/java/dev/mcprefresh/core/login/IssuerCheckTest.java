package dev.mcprefresh.core.login;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** RFC 9207: the authorization response's iss against the issuer the login began with. */
class IssuerCheckTest {
    private static final String AS = "https://as.example";

    private static AuthorizationResponse response(String iss) {
        Map<String, String> p = new HashMap<>();
        p.put("code", "the-code");
        p.put("state", "s");
        if (iss != null) {
            p.put("iss", iss);
        }
        return new AuthorizationResponse(p);
    }

    @Test
    void theIssuerTheLoginBeganWithPasses() {
        assertDoesNotThrow(() -> IssuerCheck.verify(AS, response(AS), true));
        assertDoesNotThrow(() -> IssuerCheck.verify(AS, response(AS), false));
    }

    @Test
    void anotherIssuerIsRefusedWhetherOrNotTheServerAdvertisesIss() {
        for (boolean advertised : new boolean[] {true, false}) {
            LoginException e = assertThrows(LoginException.class,
                    () -> IssuerCheck.verify(AS, response("https://evil.example"), advertised));
            assertTrue(e.getMessage().contains("RFC 9207"), e.getMessage());
            assertTrue(e.getMessage().contains("not redeemed"), e.getMessage());
            assertTrue(e.getMessage().contains("https://evil.example"), e.getMessage());
        }
    }

    @Test
    void theForeignIssuerIsShownWithoutItsControlCharacters() {
        String hostile = "https://evil.example\u001b[2J\r\nmcp-refresh: login OK\u0007";
        LoginException e = assertThrows(LoginException.class, () -> IssuerCheck.verify(AS, response(hostile), true));
        String m = e.getMessage();
        assertTrue(m.contains("https://evil.example"), m);
        for (char c : m.toCharArray()) {
            assertTrue(c >= 0x20 && c != 0x7F, "a control character from the server reached the message: " + (int) c);
        }
        assertFalse(m.contains("\n"), m);
    }

    @Test
    void theComparisonIsExactWithoutNormalisation() {
        // RFC 9207 2.4: simple string comparison; a trailing slash, case or a default port is another issuer.
        for (String near : new String[] {AS + "/", "https://AS.example", "https://as.example:443", AS + " ",
                "http://as.example"}) {
            assertThrows(LoginException.class, () -> IssuerCheck.verify(AS, response(near), false), near);
        }
        assertThrows(LoginException.class, () -> IssuerCheck.verify(AS + "/", response(AS), true));
        assertThrows(LoginException.class, () -> IssuerCheck.verify(AS, response(""), false),
                "an empty iss is an iss, and not this one");
    }

    @Test
    void aMissingIssPassesOnlyWhenTheServerDoesNotAdvertiseIt() {
        assertDoesNotThrow(() -> IssuerCheck.verify(AS, response(null), false));
        LoginException e = assertThrows(LoginException.class, () -> IssuerCheck.verify(AS, response(null), true));
        assertTrue(e.getMessage().contains("authorization_response_iss_parameter_supported"), e.getMessage());
        assertTrue(e.getMessage().contains("not redeemed"), e.getMessage());
    }

    @Test
    void anIssIsRefusedWhenTheMetadataNamesNoIssuer() {
        LoginException e = assertThrows(LoginException.class, () -> IssuerCheck.verify(null, response(AS), false));
        assertTrue(e.getMessage().contains("not redeemed"), e.getMessage());
        assertDoesNotThrow(() -> IssuerCheck.verify(null, response(null), false),
                "nothing to compare on either side: as before RFC 9207");
    }

    @Test
    void theCheckDoesNotReadTheCode() throws Exception {
        // An error response is checked for its issuer as well: the caller learns of a mix-up, not of the error.
        AuthorizationResponse error = new AuthorizationResponse(Map.of("error", "access_denied", "iss", AS));
        IssuerCheck.verify(AS, error, true);
        LoginException e = assertThrows(LoginException.class, error::code);
        assertTrue(e.getMessage().contains("access_denied"), e.getMessage());
        assertEquals("the-code", response(AS).code());
    }
}
