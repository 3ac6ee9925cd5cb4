package dev.mcprefresh.it.app

import io.modelcontextprotocol.kotlin.sdk.Implementation
import io.modelcontextprotocol.kotlin.sdk.TextContent
import io.modelcontextprotocol.kotlin.sdk.client.Client

/** Kotlin MCP SDK 0.7: the types live in the sdk package; callTool answers null for no result. */
internal fun newClient(): Client = Client(Implementation(name = "mcp-refresh-it", version = "1.0"))

internal suspend fun pingText(client: Client): String {
    val result = client.callTool("ping", emptyMap()) ?: return "no result"
    return if (result.isError == true) "error" else (result.content.firstOrNull() as? TextContent)?.text ?: "unexpected"
}
