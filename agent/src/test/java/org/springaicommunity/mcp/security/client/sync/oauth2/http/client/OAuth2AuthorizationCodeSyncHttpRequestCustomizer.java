package org.springaicommunity.mcp.security.client.sync.oauth2.http.client;

import io.modelcontextprotocol.client.transport.customizer.McpSyncHttpClientRequestCustomizer;
import io.modelcontextprotocol.common.McpTransportContext;
import java.net.URI;
import java.net.http.HttpRequest;

/**
 * Stands in for mcp-security's customizer of the same name (which needs a Spring Security client manager and a
 * servlet request to run): the agent recognises refresh-aware providers by their class, which this one shares.
 */
public class OAuth2AuthorizationCodeSyncHttpRequestCustomizer implements McpSyncHttpClientRequestCustomizer {
    @Override
    public void customize(HttpRequest.Builder builder, String method, URI endpoint, String body,
            McpTransportContext context) {
        builder.header("Authorization", "Bearer from-spring-security");
    }
}
