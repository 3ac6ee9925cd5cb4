package dev.mcprefresh.core.login;

import dev.mcprefresh.core.log.ServerText;
import dev.mcprefresh.core.json.Json;
import dev.mcprefresh.core.oauth.OAuthHttp;
import dev.mcprefresh.core.store.TokenRecord;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * RFC 7591 dynamic client registration for a CLI: a native public client with a loopback redirect, asking for the
 * authorization_code and refresh_token grants (and the device grant when logging in with --device).
 */
public final class ClientRegistration {
    /** What the server registered. {@code secret} is null for a public client. */
    public static final class Registered {
        public final String clientId;
        public final String secret;
        public final String authMethod;
        public final List<String> grantTypes;

        Registered(String clientId, String secret, String authMethod, List<String> grantTypes) {
            this.clientId = clientId;
            this.secret = secret;
            this.authMethod = authMethod;
            this.grantTypes = grantTypes;
        }
    }

    private final OAuthHttp http;

    public ClientRegistration(OAuthHttp http) {
        this.http = http;
    }

    public Registered register(URI endpoint, String redirectUri, String scope, boolean device) throws LoginException {
        List<String> grants = new ArrayList<>(List.of("authorization_code", "refresh_token"));
        if (device) {
            grants.add(DeviceAuthorization.GRANT_TYPE);
        }
        try {
            return register(endpoint, redirectUri, scope, grants);
        } catch (RefusedMetadata e) {
            // Servers that never issue refresh tokens refuse a client asking for the grant: register without it, so
            // login still works, and the caller warns that this client's tokens cannot be refreshed.
            grants.remove("refresh_token");
            try {
                return register(endpoint, redirectUri, scope, grants);
            } catch (RefusedMetadata again) {
                throw new LoginException(again.getMessage());
            }
        }
    }

    /** The server refused the metadata (RFC 7591 invalid_client_metadata). */
    private static final class RefusedMetadata extends Exception {
        RefusedMetadata(String message) {
            super(message);
        }
    }

    private Registered register(URI endpoint, String redirectUri, String scope, List<String> grants)
            throws LoginException, RefusedMetadata {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("client_name", "mcp-refresh");
        request.put("application_type", "native");
        request.put("redirect_uris", List.of(redirectUri));
        request.put("grant_types", grants);
        request.put("response_types", List.of("code"));
        request.put("token_endpoint_auth_method", TokenRecord.AUTH_NONE);
        if (scope != null) {
            request.put("scope", scope);
        }
        OAuthHttp.Response r;
        try {
            r = http.postJson(endpoint, Json.write(request));
        } catch (IOException e) {
            throw new LoginException("dynamic client registration at " + endpoint + " failed ("
                    + e.getClass().getSimpleName() + ")");
        }
        Map<String, Object> body;
        try {
            body = Json.parseObject(r.body);
        } catch (RuntimeException e) {
            throw new LoginException("dynamic client registration at " + endpoint + " answered " + r.status
                    + " with a body that is not a JSON object");
        }
        if (r.status != 201 && r.status != 200) {
            String error = Json.string(body, "error");
            String description = Json.string(body, "error_description");
            if ("invalid_client_metadata".equals(error) && grants.contains("refresh_token")) {
                throw new RefusedMetadata("dynamic client registration at " + endpoint + " refused the client"
                        + (description != null ? " (" + ServerText.safe(description) + ")" : ""));
            }
            throw new LoginException("dynamic client registration at " + endpoint + " answered " + r.status
                    + (error != null && error.matches("[A-Za-z0-9_.-]{1,64}") ? " " + error : "")
                    + (description != null ? " (" + ServerText.safe(description) + ")" : "")
                    + "; register a client by hand and pass --client-id");
        }
        String clientId = Json.string(body, "client_id");
        if (clientId == null || clientId.isBlank()) {
            throw new LoginException("dynamic client registration at " + endpoint + " returned no client_id");
        }
        String secret = Json.string(body, "client_secret");
        String method = Json.string(body, "token_endpoint_auth_method");
        if (method == null) {
            method = secret == null ? TokenRecord.AUTH_NONE : TokenRecord.AUTH_BASIC;
        }
        List<Object> granted = Json.array(body, "grant_types");
        List<String> grantTypes = new ArrayList<>();
        if (granted != null) {
            granted.forEach(g -> grantTypes.add(String.valueOf(g)));
        } else {
            grantTypes.addAll(grants);
        }
        return new Registered(clientId, secret, method, grantTypes);
    }
}
