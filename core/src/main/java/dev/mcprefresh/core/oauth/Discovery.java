package dev.mcprefresh.core.oauth;

import dev.mcprefresh.core.json.Json;
import dev.mcprefresh.core.json.JsonException;
import dev.mcprefresh.core.log.ServerText;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds an MCP server's authorization server the way the MCP authorization spec orders it: the
 * {@code resource_metadata} hint of a 401's WWW-Authenticate header, then RFC 9728 protected resource metadata
 * (path-aware, then root), then RFC 8414 authorization server metadata, then OpenID discovery.
 */
public final class Discovery {
    private final OAuthHttp http;

    public Discovery(OAuthHttp http) {
        this.http = http;
    }

    public AuthorizationServerMetadata discover(URI mcpUrl) throws DiscoveryException {
        List<String> tried = new ArrayList<>();
        Set<URI> prmCandidates = new LinkedHashSet<>();
        URI hint = resourceMetadataHint(mcpUrl);
        if (hint != null) {
            prmCandidates.add(hint);
        }
        String path = trimSlash(mcpUrl.getRawPath());
        String origin = origin(mcpUrl);
        if (!path.isEmpty()) {
            prmCandidates.add(URI.create(origin + "/.well-known/oauth-protected-resource/" + path));
        }
        prmCandidates.add(URI.create(origin + "/.well-known/oauth-protected-resource"));

        String issuer = null;
        AuthorizationServerMetadata.ProtectedResource resource = null;
        for (URI candidate : prmCandidates) {
            Map<String, Object> prm = fetchJson(candidate, tried);
            if (prm != null) {
                try {
                    List<Object> servers = Json.array(prm, "authorization_servers");
                    if (servers != null && !servers.isEmpty() && servers.get(0) instanceof String) {
                        resource = new AuthorizationServerMetadata.ProtectedResource(prm, candidate.toString());
                        issuer = (String) servers.get(0);
                        break;
                    }
                    tried.add(candidate + " (no authorization_servers)");
                } catch (JsonException e) {
                    tried.add(candidate + " (" + e.getMessage() + ")");
                }
            }
        }
        if (issuer == null) {
            issuer = origin; // servers without RFC 9728 metadata (MCP 2025-03-26): the MCP origin is the issuer
        }
        List<URI> asCandidates;
        try {
            URI issuerUri = URI.create(issuer);
            if (!("https".equals(issuerUri.getScheme()) || "http".equals(issuerUri.getScheme()))
                    || issuerUri.getHost() == null) {
                throw new IllegalArgumentException();
            }
            asCandidates = authorizationServerCandidates(issuerUri);
        } catch (IllegalArgumentException e) {
            throw new DiscoveryException("the protected resource metadata names an invalid authorization server ("
                    + ServerText.safe(issuer) + ")");
        }
        for (URI candidate : asCandidates) {
            Map<String, Object> meta = fetchJson(candidate, tried);
            if (meta == null) {
                continue;
            }
            try {
                AuthorizationServerMetadata found = new AuthorizationServerMetadata(meta, candidate.toString(), resource);
                if (found.issuer() != null && !trimSlash(found.issuer()).equals(trimSlash(issuer))) {
                    tried.add(candidate + " (issuer " + ServerText.safe(found.issuer()) + " does not match "
                            + ServerText.safe(issuer) + ")");
                } else if (found.tokenEndpoint() == null) {
                    tried.add(candidate + " (no token_endpoint)");
                } else {
                    return found;
                }
            } catch (JsonException e) {
                tried.add(candidate + " (" + e.getMessage() + ")");
            }
        }
        throw new DiscoveryException("no authorization server metadata found for " + mcpUrl + "; tried: "
                + String.join(", ", tried) + ". Pass --token-endpoint to skip discovery.");
    }

    /** RFC 8414 section 3 and OpenID Connect Discovery, in the MCP spec's order. */
    static List<URI> authorizationServerCandidates(URI issuer) {
        String origin = origin(issuer);
        String path = trimSlash(issuer.getRawPath());
        List<URI> out = new ArrayList<>();
        if (path.isEmpty()) {
            out.add(URI.create(origin + "/.well-known/oauth-authorization-server"));
            out.add(URI.create(origin + "/.well-known/openid-configuration"));
        } else {
            out.add(URI.create(origin + "/.well-known/oauth-authorization-server/" + path));
            out.add(URI.create(origin + "/.well-known/openid-configuration/" + path));
            out.add(URI.create(origin + "/" + path + "/.well-known/openid-configuration"));
        }
        return out;
    }

    private URI resourceMetadataHint(URI mcpUrl) {
        try {
            OAuthHttp.Response r = http.probe(mcpUrl, "application/json, text/event-stream");
            if (r.status != 401) {
                return null;
            }
            String hint = WwwAuthenticate.param(r.headers.allValues("WWW-Authenticate"), null, "resource_metadata");
            if (hint != null && !hint.isEmpty() && hint.length() <= 2048) {
                URI uri = mcpUrl.resolve(hint);
                return "http".equals(uri.getScheme()) || "https".equals(uri.getScheme()) ? uri : null;
            }
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
        return null;
    }

    private Map<String, Object> fetchJson(URI uri, List<String> tried) {
        try {
            OAuthHttp.Response r = http.get(uri, "application/json");
            if (r.status != 200) {
                tried.add(uri + " (" + r.status + ")");
                return null;
            }
            return Json.parseObject(r.body);
        } catch (OAuthHttp.InsecureEndpointException e) {
            tried.add(uri + " (" + e.getMessage() + ")");
        } catch (IOException e) {
            tried.add(uri + " (" + e.getClass().getSimpleName() + ")");
        } catch (RuntimeException e) {
            tried.add(uri + " (not a JSON object)");
        }
        return null;
    }

    static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }

    private static String trimSlash(String path) {
        if (path == null) {
            return "";
        }
        String p = path;
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }
}
