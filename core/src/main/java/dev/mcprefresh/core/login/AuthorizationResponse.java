package dev.mcprefresh.core.login;

import dev.mcprefresh.core.log.ServerText;
import java.util.Map;

/**
 * What came back to the redirect URI: a code or an error, and the issuer that sent it (RFC 9207). Read only after
 * {@link IssuerCheck} has accepted the issuer: an answer from another authorization server is neither redeemed nor
 * believed.
 */
public final class AuthorizationResponse {
    private final Map<String, String> params;

    AuthorizationResponse(Map<String, String> params) {
        this.params = params;
    }

    /** The {@code iss} parameter, or null when the server sent none. */
    public String issuer() {
        return params.get("iss");
    }

    /** The authorization code; the server's refusal, or a response without a code, as a LoginException. */
    public String code() throws LoginException {
        String error = params.get("error");
        if (error != null) {
            String description = params.get("error_description");
            throw new LoginException("the authorization server refused the login: " + ServerText.safe(error)
                    + (description != null ? " (" + ServerText.safe(description) + ")" : ""));
        }
        String code = params.get("code");
        if (code == null || code.isEmpty()) {
            throw new LoginException("the login redirect carried no authorization code");
        }
        return code;
    }
}
