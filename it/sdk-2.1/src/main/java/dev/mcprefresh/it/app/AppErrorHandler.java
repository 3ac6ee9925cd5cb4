package dev.mcprefresh.it.app;

import io.modelcontextprotocol.client.transport.customizer.McpHttpClientTransportAuthorizationErrorHandler;

/** The app's own authorization error handler on SDK 2.x: the request snapshot tells the rejected method. */
final class AppErrorHandler {
    private AppErrorHandler() {
    }

    static McpHttpClientTransportAuthorizationErrorHandler create() {
        return McpHttpClientTransportAuthorizationErrorHandler.fromSync((request, response, context) ->
                AppAuthorizationErrors.handle(response.statusCode(), request.method()));
    }
}
