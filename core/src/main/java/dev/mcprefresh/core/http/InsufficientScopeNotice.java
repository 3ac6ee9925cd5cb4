package dev.mcprefresh.core.http;

import dev.mcprefresh.core.log.Log;
import dev.mcprefresh.core.log.LoggedUrl;
import dev.mcprefresh.core.log.ServerText;
import dev.mcprefresh.core.oauth.WwwAuthenticate;
import java.net.http.HttpHeaders;
import java.util.List;

/**
 * Recognises a Bearer {@code insufficient_scope} challenge (RFC 6750 section 3.1, the MCP spec's step-up signal).
 * A refresh cannot widen a token's scope, so the agent makes none and tells the user, once per server, which scope
 * the server asks for and how to sign in with it.
 */
final class InsufficientScopeNotice {
    private final String serverUrl;
    private volatile boolean warned;

    InsufficientScopeNotice(String serverUrl) {
        this.serverUrl = LoggedUrl.of(serverUrl);
    }

    /** True when the response's challenge says insufficient_scope. */
    boolean check(HttpHeaders headers) {
        return check(headers.allValues("WWW-Authenticate"));
    }

    /** The same, for the {@code WWW-Authenticate} values of any client library's response. */
    boolean check(List<String> challenges) {
        if (challenges == null || challenges.isEmpty()
                || !"insufficient_scope".equals(WwwAuthenticate.param(challenges, "Bearer", "error"))) {
            return false;
        }
        if (!warned) {
            warned = true;
            String scope = WwwAuthenticate.param(challenges, "Bearer", "scope");
            String quoted = scope == null ? null : "\"" + ServerText.safe(scope).replace("\"", "") + "\"";
            Log.warn("the MCP server " + serverUrl + " answered insufficient_scope"
                    + (quoted != null ? " and asks for scope " + quoted : "")
                    + "; a refresh cannot widen a token's scope, so none is made. Sign in again with that scope:"
                    + " java -jar mcp-refresh.jar login " + serverUrl + " --scope " + (quoted != null ? quoted : "\"...\""));
        }
        return true;
    }
}
