package dev.mcprefresh.core.oauth;

import dev.mcprefresh.core.json.Json;
import dev.mcprefresh.core.json.JsonException;
import dev.mcprefresh.core.oauth.TokenEndpointException.Failure;
import dev.mcprefresh.core.store.Identity;
import dev.mcprefresh.core.store.TokenRecord;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Token endpoint requests: the refresh_token grant (RFC 6749 section 6), the client_credentials grant (4.4) of service
 * accounts, any other grant login needs, and RFC 7009 revocation; client authentication none, client_secret_basic,
 * client_secret_post or private_key_jwt (RFC 7523 2.2).
 */
public final class TokenEndpointClient {
    private final OAuthHttp http;
    private final Clock clock;
    private final ClientAuthentication clientAuth;

    public TokenEndpointClient(OAuthHttp http, Clock clock) {
        this(http, clock, dev.mcprefresh.core.log.Log::warn);
    }

    /** {@code warn}: where a key file's loose permissions are said (the CLI prints, the agent logs). */
    public TokenEndpointClient(OAuthHttp http, Clock clock, java.util.function.Consumer<String> warn) {
        this.http = http;
        this.clock = clock;
        this.clientAuth = new ClientAuthentication(clock, warn);
    }

    /**
     * New tokens for the entry: the refresh_token grant, or for a service account a new client_credentials grant
     * (it has no refresh token: the token is simply minted again, with the stored scope and resource).
     */
    public TokenResponse refresh(TokenRecord record) throws TokenEndpointException {
        if (record.clientCredentials()) {
            Map<String, String> form = new LinkedHashMap<>();
            form.put("grant_type", TokenRecord.GRANT_CLIENT_CREDENTIALS);
            form.put("scope", record.scope());
            form.put("resource", record.resource());
            return grant(record, form);
        }
        if (record.refreshToken() == null) {
            throw new TokenEndpointException("no refresh token is stored", true, null);
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "refresh_token");
        form.put("refresh_token", record.refreshToken());
        // RFC 8707: the same resource as at login, so the new token has the same audience.
        form.put("resource", record.resource());
        return grant(record, form);
    }

    /**
     * Any grant at {@code client}'s token endpoint, authenticated as {@code client} says: the refresh above, and
     * login's authorization_code exchange and device-code polling.
     */
    public TokenResponse grant(TokenRecord client, Map<String, String> grantForm) throws TokenEndpointException {
        if (client.tokenEndpoint() == null || client.clientId() == null) {
            throw new TokenEndpointException("the store entry has no token_endpoint or client_id", true, null);
        }
        Map<String, String> form = new LinkedHashMap<>(grantForm);
        String authorization = clientAuth.apply(client, form);
        Instant sentAt = clock.instant();
        OAuthHttp.Response response;
        try {
            response = http.postForm(URI.create(client.tokenEndpoint()), form, authorization);
        } catch (HttpTimeoutException e) {
            throw new TokenEndpointException("the token endpoint timed out", false, null);
        } catch (OAuthHttp.InsecureEndpointException e) {
            throw new TokenEndpointException(e.getMessage(), false, null);
        } catch (IOException | IllegalArgumentException e) {
            throw new TokenEndpointException("the token endpoint is unreachable (" + e.getClass().getSimpleName() + ")",
                    false, null);
        }
        return interpret(response, sentAt, form.get("grant_type"));
    }

    /**
     * RFC 7009 revocation of {@code token} (a refresh token, per the hint), authenticated like the token requests.
     * Returns normally when the server answered 200 (which it also does for tokens it did not know).
     */
    public void revoke(TokenRecord client, URI revocationEndpoint, String token) throws TokenEndpointException {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("token", token);
        form.put("token_type_hint", "refresh_token");
        String authorization = clientAuth.apply(client, form);
        OAuthHttp.Response response;
        try {
            response = http.postForm(revocationEndpoint, form, authorization);
        } catch (OAuthHttp.InsecureEndpointException e) {
            throw new TokenEndpointException(e.getMessage(), false, null);
        } catch (IOException | IllegalArgumentException e) {
            throw new TokenEndpointException("the revocation endpoint is unreachable (" + e.getClass().getSimpleName()
                    + ")", false, null);
        }
        if (response.status != 200) {
            String error = errorCode(response.body);
            throw new TokenEndpointException("the revocation endpoint answered " + response.status
                    + (error != null ? " " + error : ""), false, error);
        }
    }

    /**
     * RFC 7662 introspection of the client's own refresh token: when it expires, if the server says. Null when the
     * server does not tell (inactive, no exp, or not allowed for this client); doctor uses it to measure lifetimes.
     */
    public Instant refreshTokenExpiry(TokenRecord client, URI introspectionEndpoint) {
        Map<String, Object> body = introspectRefreshToken(client, introspectionEndpoint);
        try {
            Long exp = body == null ? null : Json.number(body, "exp");
            return exp != null && exp > 0 ? Instant.ofEpochSecond(exp) : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * Whose grant the client's refresh token is, when the token response did not say: RFC 7662 introspection of the
     * refresh token (never the access token, which goes only to its MCP server) at the token endpoint's own server.
     * {@link Identity#UNKNOWN} when the server does not tell.
     */
    public Identity refreshTokenIdentity(TokenRecord client, URI introspectionEndpoint) {
        Map<String, Object> body = introspectRefreshToken(client, introspectionEndpoint);
        String subject = JwtClaims.string(body, "sub");
        if (subject == null) {
            return Identity.UNKNOWN;
        }
        String name = JwtClaims.string(body, "username");
        return new Identity(JwtClaims.string(body, "iss"), subject, name); // as sent: compared exactly, shown safely
    }

    /** The introspection answer for an active refresh token, or null. */
    private Map<String, Object> introspectRefreshToken(TokenRecord client, URI introspectionEndpoint) {
        if (client.refreshToken() == null) {
            return null;
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("token", client.refreshToken());
        form.put("token_type_hint", "refresh_token");
        try {
            String authorization = clientAuth.apply(client, form);
            OAuthHttp.Response response = http.postForm(introspectionEndpoint, form, authorization);
            if (response.status != 200) {
                return null;
            }
            Map<String, Object> body = Json.parseObject(response.body);
            return Json.bool(body, "active") ? body : null;
        } catch (IOException | RuntimeException | TokenEndpointException e) {
            return null;
        }
    }

    private TokenResponse interpret(OAuthHttp.Response response, Instant sentAt, String grantType)
            throws TokenEndpointException {
        int status = response.status;
        if (status == 200) {
            if (response.truncated) {
                throw new TokenEndpointException("the token endpoint answered 200 with a body over "
                        + (OAuthHttp.MAX_BODY >> 20) + " MiB, which was not read", false, null);
            }
            try {
                return TokenResponse.parse(response.body, sentAt);
            } catch (JsonException e) {
                throw new TokenEndpointException("the token endpoint answered 200 with an unusable body ("
                        + response.mediaType() + "): " + e.getMessage(), Failure.TRANSIENT, null,
                        rotatedRefreshToken(response.body));
            }
        }
        if (status >= 300 && status < 400) {
            throw new TokenEndpointException("the token endpoint answered " + status + ", a redirect, which is never"
                    + " followed (a refresh token must not be sent elsewhere); store the endpoint's final URL", false, null);
        }
        String error = errorCode(response.body);
        String described = "the token endpoint answered " + status + (error != null ? " " + error : "");
        if (status != 400 && status != 401) {
            throw new TokenEndpointException(described, Failure.TRANSIENT, error); // 5xx, 429, a proxy's 403 or 404
        }
        if (error == null) {
            // RFC 6749 5.2 refusals carry a JSON error; a 400 or 401 without one is a proxy or gateway talking.
            throw new TokenEndpointException(described + " without an OAuth error (" + response.mediaType()
                    + "), likely from a proxy or gateway; will retry later", Failure.TRANSIENT, null);
        }
        if (error.equals("invalid_grant") && !TokenRecord.GRANT_CLIENT_CREDENTIALS.equals(grantType)) {
            throw new TokenEndpointException(described, Failure.GRANT_DEAD, error); // expired, revoked or already used
        }
        String fix = configurationFix(error, grantType == null ? "requested" : grantType);
        if (fix != null) {
            throw new TokenEndpointException(described + ": " + fix, Failure.CONFIGURATION, error);
        }
        throw new TokenEndpointException(described, Failure.TRANSIENT, error); // an extension code: not known dead
    }

    /** What a person fixes for an RFC 6749 5.2 (or RFC 8707) refusal that is not about the grant; null for others. */
    private static String configurationFix(String error, String grantType) {
        switch (error) {
            case "invalid_client":
                return "the authorization server does not accept the stored client (client_id, client secret or"
                        + " private key, or token_endpoint_auth_method; a revoked client or a key it no longer"
                        + " lists): check them, or run login (or add) again with a client it accepts";
            case "unauthorized_client":
                return "the stored client is not allowed the " + grantType + " grant: allow it for this client at the"
                        + " authorization server, or run login again to register a new client";
            case "invalid_grant": // only a service account's mint reaches here: its client, not a grant, is refused
                return "the authorization server refused to mint a token for the stored client: check that the"
                        + " client may use the " + grantType + " grant with the stored scope and resource";
            case "unsupported_grant_type":
                return "the authorization server does not support the " + grantType + " grant";
            case "invalid_target":
                return "the authorization server refuses the stored resource: store the right --resource, or none";
            case "invalid_scope":
                return "the authorization server refuses the requested scope: store a scope it grants this client"
                        + " (--scope), or none";
            case "invalid_request":
                return "the authorization server calls the request malformed: check the stored resource and scope"
                        + " (some servers refuse any resource parameter: store none)";
            default:
                return null;
        }
    }

    private static String rotatedRefreshToken(byte[] body) {
        try {
            return TokenResponse.refreshTokenOf(Json.parseObject(body));
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The RFC 6749 5.2 error code, if the body is the JSON it should be and the code is a plain token. */
    private static String errorCode(byte[] body) {
        try {
            String error = Json.string(Json.parseObject(body), "error");
            return error != null && error.matches("[A-Za-z0-9_.-]{1,64}") ? error : null;
        } catch (RuntimeException e) {
            return null;
        }
    }
}
