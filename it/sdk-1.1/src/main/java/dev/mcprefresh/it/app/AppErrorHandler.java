package dev.mcprefresh.it.app;

import io.modelcontextprotocol.client.transport.customizer.McpHttpClientAuthorizationErrorHandler;

/** The app's own authorization error handler on SDK 1.1 (response only: 1.1 passes no request snapshot). */
final class AppErrorHandler {
    private AppErrorHandler() {
    }

    static McpHttpClientAuthorizationErrorHandler create() {
        return McpHttpClientAuthorizationErrorHandler.fromSync((response, context) ->
                AppAuthorizationErrors.handle(response.statusCode(), "?"));
    }
}
