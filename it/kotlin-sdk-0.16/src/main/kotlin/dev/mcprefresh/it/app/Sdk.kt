package dev.mcprefresh.it.app

import io.modelcontextprotocol.kotlin.sdk.client.Client
import io.modelcontextprotocol.kotlin.sdk.types.Implementation
import io.modelcontextprotocol.kotlin.sdk.types.TextContent

/** Kotlin MCP SDK 0.16: the types live in the types package, as since 0.14. */
internal fun newClient(): Client = Client(Implementation(name = "mcp-refresh-it", version = "1.0"))

internal suspend fun pingText(client: Client): String {
    val result = client.callTool("ping", emptyMap())
    return if (result.isError == true) "error" else (result.content.firstOrNull() as? TextContent)?.text ?: "unexpected"
}
