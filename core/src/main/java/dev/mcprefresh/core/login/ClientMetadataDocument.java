package dev.mcprefresh.core.login;

import dev.mcprefresh.core.json.Json;
import dev.mcprefresh.core.store.TokenRecord;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Client ID Metadata Document (CIMD, draft-ietf-oauth-client-id-metadata-document), the MCP authorization spec's
 * preferred way to identify a client since 2026-07-28: the client id is an HTTPS URL the user hosts, and the
 * authorization server reads the client's metadata from it instead of registering it. mcp-refresh is a public native
 * client on a loopback redirect (the server lets its port vary, RFC 8252 7.3).
 */
public final class ClientMetadataDocument {
    /** The redirect URI the document names; the login's own carries the port it listens on. */
    static final String REDIRECT_URI = "http://127.0.0.1/callback";

    private ClientMetadataDocument() {
    }

    /** The URL as a client id, or an IllegalArgumentException saying what the draft forbids in it. */
    public static URI clientId(String url) {
        URI u;
        try {
            u = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("the client metadata URL is not a URL");
        }
        if (!"https".equalsIgnoreCase(u.getScheme()) || u.getHost() == null) {
            throw new IllegalArgumentException("the client metadata URL must be an https URL with a host");
        }
        String path = u.getRawPath();
        if (path == null || path.isEmpty() || path.equals("/")) {
            throw new IllegalArgumentException("the client metadata URL must have a path (e.g. /mcp-refresh.json)");
        }
        if (u.getRawFragment() != null || u.getRawUserInfo() != null) {
            throw new IllegalArgumentException("the client metadata URL may not have a fragment or a user name");
        }
        for (String segment : path.split("/")) {
            String s = segment.replace("%2e", ".").replace("%2E", ".");
            if (s.equals(".") || s.equals("..")) {
                throw new IllegalArgumentException("the client metadata URL may not have . or .. path segments");
            }
        }
        return u;
    }

    /** The document to serve at {@code clientId}, as JSON. */
    public static byte[] json(URI clientId) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("client_id", clientId.toString());
        d.put("client_name", "mcp-refresh");
        d.put("application_type", "native");
        d.put("redirect_uris", List.of(REDIRECT_URI));
        // The device grant too, so that one hosted document serves login --device as well.
        d.put("grant_types", List.of("authorization_code", "refresh_token", DeviceAuthorization.GRANT_TYPE));
        d.put("response_types", List.of("code"));
        d.put("token_endpoint_auth_method", TokenRecord.AUTH_NONE);
        return Json.write(d);
    }
}
