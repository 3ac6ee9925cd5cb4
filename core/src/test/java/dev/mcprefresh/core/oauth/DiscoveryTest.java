package dev.mcprefresh.core.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcprefresh.core.LoopbackServer;
import dev.mcprefresh.core.LoopbackServer.Reply;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DiscoveryTest {
    private final LoopbackServer mcp;
    private final LoopbackServer as;
    private final Discovery discovery = new Discovery(new OAuthHttp(Duration.ofSeconds(2)));

    DiscoveryTest() throws Exception {
        mcp = new LoopbackServer();
        as = new LoopbackServer();
    }

    @AfterEach
    void stop() {
        mcp.close();
        as.close();
    }

    @Test
    void followsTheWwwAuthenticateHintThenOidcDiscovery() throws Exception {
        mcp.route("/mcp", r -> new Reply(401, "", Map.of("WWW-Authenticate",
                "Bearer error=\"invalid_token\", resource_metadata=\"" + mcp.base() + "/meta/prm\"")));
        mcp.route("/meta/prm", r -> Reply.json(200, "{\"resource\":\"" + mcp.base() + "/mcp\","
                + "\"authorization_servers\":[\"" + as.base() + "/tenant\"]}"));
        as.route("/.well-known/openid-configuration/tenant", r -> Reply.json(200, "{\"issuer\":\"" + as.base()
                + "/tenant\",\"token_endpoint\":\"" + as.base() + "/tenant/token\",\"scopes_supported\":[\"offline_access\"]}"));
        AuthorizationServerMetadata m = discovery.discover(URI.create(mcp.base() + "/mcp"));
        assertEquals(as.base() + "/tenant/token", m.tokenEndpoint());
        assertEquals(mcp.base() + "/mcp", m.resource());
        assertEquals(List.of("offline_access"), m.scopesSupported());
        // RFC 8414's path-inserted location was tried before the OIDC one.
        assertEquals(1, as.hits("/.well-known/oauth-authorization-server/tenant"));
    }

    @Test
    void pathAwareProtectedResourceMetadataComesBeforeRoot() throws Exception {
        mcp.route("/.well-known/oauth-protected-resource/mcp", r -> Reply.json(200,
                "{\"authorization_servers\":[\"" + as.base() + "\"]}"));
        as.route("/.well-known/oauth-authorization-server", r -> Reply.json(200, "{\"issuer\":\"" + as.base()
                + "\",\"token_endpoint\":\"" + as.base() + "/token\"}"));
        assertEquals(as.base() + "/token", discovery.discover(URI.create(mcp.base() + "/mcp")).tokenEndpoint());
        assertEquals(0, mcp.hits("/.well-known/oauth-protected-resource"));
    }

    @Test
    void withoutResourceMetadataTheMcpOriginIsTheIssuer() throws Exception {
        mcp.route("/.well-known/oauth-authorization-server", r -> Reply.json(200, "{\"issuer\":\"" + mcp.base()
                + "\",\"token_endpoint\":\"" + mcp.base() + "/token\"}"));
        assertEquals(mcp.base() + "/token", discovery.discover(URI.create(mcp.base() + "/mcp")).tokenEndpoint());
    }

    @Test
    void mismatchedIssuerIsRejectedAndEverythingTriedIsNamed() {
        mcp.route("/.well-known/oauth-protected-resource", r -> Reply.json(200,
                "{\"authorization_servers\":[\"" + as.base() + "\"]}"));
        as.route("/.well-known/oauth-authorization-server", r -> Reply.json(200,
                "{\"issuer\":\"https://evil.example\",\"token_endpoint\":\"https://evil.example/token\"}"));
        DiscoveryException e = assertThrows(DiscoveryException.class,
                () -> discovery.discover(URI.create(mcp.base() + "/mcp")));
        assertTrue(e.getMessage().contains("does not match"), e.getMessage());
        assertTrue(e.getMessage().contains("openid-configuration"), e.getMessage());
    }
}
