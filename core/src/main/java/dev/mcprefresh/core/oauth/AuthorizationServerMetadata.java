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
    private final String foundAt;
    private final String resource;

    AuthorizationServerMetadata(Map<String, Object> json, String foundAt, String resource) {
        this.issuer = Json.string(json, "issuer");
        this.tokenEndpoint = Json.string(json, "token_endpoint");
        this.scopesSupported = strings(json, "scopes_supported");
        this.grantTypesSupported = strings(json, "grant_types_supported");
        this.foundAt = foundAt;
        this.resource = resource;
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
}
