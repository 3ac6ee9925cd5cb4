package dev.mcprefresh.core.login;

import dev.mcprefresh.core.log.ServerText;

/**
 * The mix-up defence of RFC 9207, binding on MCP clients since the 2026-07-28 authorization revision: the issuer the
 * client meant to talk to is recorded before the redirect, and the authorization response's {@code iss} must be
 * exactly that one. A response naming another issuer is refused always (a code from another server must never reach
 * this token endpoint, nor its token endpoint get this one's code); a response without {@code iss} is refused when the
 * server advertises {@code authorization_response_iss_parameter_supported}, since it then always sends it.
 */
public final class IssuerCheck {
    private IssuerCheck() {
    }

    public static void verify(String expectedIssuer, AuthorizationResponse response, boolean serverSendsIss)
            throws LoginException {
        String iss = response.issuer();
        if (iss == null) {
            if (serverSendsIss) {
                throw new LoginException("the authorization response carried no iss, though "
                        + ServerText.safe(expectedIssuer) + " advertises authorization_response_iss_parameter_supported"
                        + " (RFC 9207): it may come from another authorization server (a mix-up attack); the code was"
                        + " not redeemed");
            }
            return;
        }
        if (expectedIssuer == null) {
            throw new LoginException("the authorization response names issuer " + ServerText.safe(iss) + ", but the"
                    + " server's metadata names none to compare it with (RFC 8414 requires issuer); the code was not"
                    + " redeemed");
        }
        // RFC 9207 2.4: simple string comparison, no normalisation.
        if (!iss.equals(expectedIssuer)) {
            throw new LoginException("the authorization response came from issuer " + ServerText.safe(iss)
                    + ", not " + ServerText.safe(expectedIssuer) + " where this login began (RFC 9207 mix-up defence);"
                    + " the code was not redeemed");
        }
    }
}
