package dev.mcprefresh.core.oauth;

import java.util.Map;

/** Authorization server metadata built from a map, for tests outside this package (its constructor is private to it). */
public final class MetadataFixtures {
    private MetadataFixtures() {
    }

    /** Metadata as if read from {@code https://as.example/.well-known/oauth-authorization-server}, without RFC 9728. */
    public static AuthorizationServerMetadata of(Map<String, Object> json) {
        return new AuthorizationServerMetadata(json, "https://as.example/.well-known/oauth-authorization-server", null);
    }

    /** The same, with RFC 9728 protected resource metadata {@code prm} found at {@code prmAt}. */
    public static AuthorizationServerMetadata of(Map<String, Object> json, Map<String, Object> prm, String prmAt) {
        return new AuthorizationServerMetadata(json, "https://as.example/.well-known/oauth-authorization-server",
                new AuthorizationServerMetadata.ProtectedResource(prm, prmAt));
    }
}
