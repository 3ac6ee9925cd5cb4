package dev.mcprefresh.core.oauth;

import dev.mcprefresh.core.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The parts of RFC 8414 / OpenID discovery metadata that mcp-refresh uses, plus where it was found. */
public final class AuthorizationServerMetadata {
    private final String issuer;
    private final String tokenEndpoint;
    private final List<String> scopesSupported;
    private final List<String> grantTypesSupported;
    private final String authorizationEndpoint;
    private final String registrationEndpoint;
    private final String revocationEndpoint;
    private final String deviceAuthorizationEndpoint;
    private final String introspectionEndpoint;
    private final List<String> codeChallengeMethods;
    private final List<String> tokenEndpointAuthMethods;
    private final List<String> tokenEndpointAuthSigningAlgs;
    private final boolean issParameterSupported;
    private final boolean clientIdMetadataDocumentSupported;
    private final String foundAt;
    private final String resource;
    private final String resourceMetadataAt;
    private final List<String> resourceScopes;

    AuthorizationServerMetadata(Map<String, Object> json, String foundAt, ProtectedResource prm) {
        this.issuer = Json.string(json, "issuer");
        this.tokenEndpoint = Json.string(json, "token_endpoint");
        this.scopesSupported = strings(json, "scopes_supported");
        this.grantTypesSupported = strings(json, "grant_types_supported");
        this.authorizationEndpoint = Json.string(json, "authorization_endpoint");
        this.registrationEndpoint = Json.string(json, "registration_endpoint");
        this.revocationEndpoint = Json.string(json, "revocation_endpoint");
        this.deviceAuthorizationEndpoint = Json.string(json, "device_authorization_endpoint");
        this.introspectionEndpoint = Json.string(json, "introspection_endpoint");
        this.codeChallengeMethods = strings(json, "code_challenge_methods_supported");
        this.tokenEndpointAuthMethods = strings(json, "token_endpoint_auth_methods_supported");
        this.tokenEndpointAuthSigningAlgs = strings(json, "token_endpoint_auth_signing_alg_values_supported");
        this.issParameterSupported = Boolean.TRUE.equals(json.get("authorization_response_iss_parameter_supported"));
        this.clientIdMetadataDocumentSupported = Boolean.TRUE.equals(json.get("client_id_metadata_document_supported"));
        this.foundAt = foundAt;
        this.resource = prm == null ? null : prm.resource;
        this.resourceMetadataAt = prm == null ? null : prm.foundAt;
        this.resourceScopes = prm == null ? List.of() : prm.scopes;
    }

    /** What RFC 9728 metadata said, when there was any. */
    static final class ProtectedResource {
        final String foundAt;
        final String resource;
        final List<String> scopes;

        ProtectedResource(Map<String, Object> json, String foundAt) {
            this.foundAt = foundAt;
            this.resource = Json.string(json, "resource");
            this.scopes = strings(json, "scopes_supported");
        }
    }

    private static List<String> strings(Map<String, Object> json, String name) {
        List<Object> raw = Json.array(json, name);
        List<String> out = new ArrayList<>();
        if (raw != null) {
            for (Object o : raw) {
                if (o instanceof String) {
                    out.add((String) o);
                }
            }
        }
        return out;
    }

    public String issuer() { return issuer; }
    public String tokenEndpoint() { return tokenEndpoint; }
    public List<String> scopesSupported() { return scopesSupported; }
    public List<String> grantTypesSupported() { return grantTypesSupported; }
    /** The URL the metadata document was read from. */
    public String foundAt() { return foundAt; }
    /** The protected resource's identifier from RFC 9728 metadata, or null when there was none. */
    public String resource() { return resource; }
    /** Where the RFC 9728 metadata was found, or null: the server has none (MCP 2025-03-26 style). */
    public String resourceMetadataAt() { return resourceMetadataAt; }
    /** The resource's own scopes_supported (RFC 9728); the MCP spec prefers these for the authorization request. */
    public List<String> resourceScopes() { return resourceScopes; }
    public String authorizationEndpoint() { return authorizationEndpoint; }
    public String registrationEndpoint() { return registrationEndpoint; }
    public String revocationEndpoint() { return revocationEndpoint; }
    public String deviceAuthorizationEndpoint() { return deviceAuthorizationEndpoint; }
    public String introspectionEndpoint() { return introspectionEndpoint; }
    public List<String> codeChallengeMethodsSupported() { return codeChallengeMethods; }
    public List<String> tokenEndpointAuthMethodsSupported() { return tokenEndpointAuthMethods; }
    /** Algorithms the server accepts for private_key_jwt assertions (RFC 8414). */
    public List<String> tokenEndpointAuthSigningAlgsSupported() { return tokenEndpointAuthSigningAlgs; }
    /** RFC 9207: every authorization response carries {@code iss}; one without it is then refused. */
    public boolean issParameterSupported() { return issParameterSupported; }
    /** The server takes an HTTPS URL of a client metadata document as client_id (CIMD). */
    public boolean clientIdMetadataDocumentSupported() { return clientIdMetadataDocumentSupported; }

    /** RFC 8414: when grant_types_supported is omitted, the default is authorization_code and implicit. */
    public boolean advertisesRefreshTokenGrant() {
        return grantTypesSupported.contains("refresh_token");
    }
}
