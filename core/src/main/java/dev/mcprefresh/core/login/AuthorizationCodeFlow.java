package dev.mcprefresh.core.login;

import dev.mcprefresh.core.oauth.AuthorizationServerMetadata;
import dev.mcprefresh.core.oauth.OAuthHttp;
import dev.mcprefresh.core.oauth.TokenEndpointClient;
import dev.mcprefresh.core.oauth.TokenEndpointException;
import dev.mcprefresh.core.oauth.TokenResponse;
import dev.mcprefresh.core.store.TokenRecord;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One authorization code login with PKCE S256 over a loopback redirect (OAuth 2.1, RFC 8252), as the MCP
 * authorization spec has a native client do it: the authorization request, the issuer check of the response
 * (RFC 9207) and only then the code exchange. The CLI only shows the URL and waits.
 */
public final class AuthorizationCodeFlow {
    private final AuthorizationServerMetadata meta;
    private final TokenRecord client;
    private final String scope;
    private final LoopbackRedirect redirect;
    private final Pkce pkce = Pkce.create();
    /** Recorded before the browser leaves: the issuer whose answer alone is taken. */
    private final String expectedIssuer;

    public AuthorizationCodeFlow(AuthorizationServerMetadata meta, TokenRecord client, String scope,
            LoopbackRedirect redirect) throws LoginException {
        if (meta.authorizationEndpoint() == null) {
            throw new LoginException("the authorization server metadata has no authorization_endpoint");
        }
        requireS256(meta);
        this.meta = meta;
        this.client = client;
        this.scope = scope;
        this.redirect = redirect;
        this.expectedIssuer = meta.issuer();
    }

    /** Refuses a server without PKCE S256: the MCP authorization spec requires it. */
    public static void requireS256(AuthorizationServerMetadata meta) throws LoginException {
        if (!meta.codeChallengeMethodsSupported().contains("S256")) {
            throw new LoginException("the authorization server does not advertise PKCE S256 (code_challenge_methods_"
                    + "supported: " + meta.codeChallengeMethodsSupported() + "); the MCP authorization spec requires"
                    + " it, and mcp-refresh will not log in without it");
        }
    }

    /** The URL the user opens. */
    public URI authorizationUrl() {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("response_type", "code");
        q.put("client_id", client.clientId());
        q.put("redirect_uri", redirect.redirectUri());
        q.put("scope", scope);
        q.put("state", redirect.state());
        q.put("code_challenge", pkce.challenge);
        q.put("code_challenge_method", "S256");
        q.put("resource", client.resource());
        if (scope != null && (" " + scope + " ").contains(" offline_access ")) {
            q.put("prompt", "consent"); // OpenID Connect Core 11: offline_access is ignored without it
        }
        String endpoint = meta.authorizationEndpoint();
        return URI.create(endpoint + (endpoint.contains("?") ? "&" : "?") + OAuthHttp.formEncode(q));
    }

    /** Waits for the browser, checks who answered, then redeems the code at the client's token endpoint. */
    public TokenResponse awaitTokens(TokenEndpointClient tokens, Duration timeout)
            throws LoginException, InterruptedException, TokenEndpointException {
        AuthorizationResponse response = redirect.awaitResponse(timeout);
        IssuerCheck.verify(expectedIssuer, response, meta.issParameterSupported()); // errors too: who said it matters
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", response.code());
        form.put("redirect_uri", redirect.redirectUri());
        form.put("code_verifier", pkce.verifier);
        form.put("resource", client.resource());
        return tokens.grant(client, form);
    }
}
