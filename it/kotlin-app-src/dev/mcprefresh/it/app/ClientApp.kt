@file:JvmName("ClientApp")

package dev.mcprefresh.it.app

import dev.mcprefresh.it.fixtures.ClientLoop
import io.ktor.client.HttpClient
import io.ktor.client.HttpClientConfig
import io.ktor.client.engine.cio.CIO
import io.ktor.client.engine.java.Java
import io.ktor.client.plugins.auth.Auth
import io.ktor.client.plugins.auth.providers.BearerTokens
import io.ktor.client.plugins.auth.providers.bearer
import io.ktor.client.plugins.defaultRequest
import io.ktor.client.plugins.sse.SSE
import io.ktor.client.request.HttpRequestBuilder
import io.ktor.client.request.header
import io.modelcontextprotocol.kotlin.sdk.client.SseClientTransport
import io.modelcontextprotocol.kotlin.sdk.client.StreamableHttpClientTransport
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout

/**
 * A step can wait for an answer that never comes (SDK 0.7's Streamable HTTP transport's initialize against this
 * server): the app gives each step this long, as a user's app would, and counts it failed.
 */
private const val STEP_TIMEOUT_MILLIS = 8_000L

/**
 * A Kotlin MCP app as users write it, with a static bearer token set once. Mode {@code transport-engine-header}:
 * transport {@code streamable} (base URL + /mcp) or {@code sse} (+ /sse); engine {@code cio} or {@code java}; the
 * header from the transport's {@code requestBuilder} ({@code builder}), the client's {@code defaultRequest}
 * ({@code default}), Ktor's Auth plugin with a static bearer ({@code authstatic}) or with the app's own
 * {@code refreshTokens} ({@code authrefresh}: it has nothing to refresh with, so it hands back the same token).
 * The SDK-specific part (types that moved between releases) is in Sdk.kt of each module.
 */
fun main(args: Array<String>) {
    val loop = ClientLoop(args)
    val (transportKind, engine, headerWay) = loop.mode.split("-").also { require(it.size == 3) { loop.mode } }
    val http = when (engine) {
        "cio" -> HttpClient(CIO) { configure(this, headerWay, loop.staticToken) }
        "java" -> HttpClient(Java) { configure(this, headerWay, loop.staticToken) }
        else -> throw IllegalArgumentException("unknown engine $engine")
    }
    val requestBuilder: HttpRequestBuilder.() -> Unit = {
        if (headerWay == "builder") {
            header("Authorization", loop.staticHeader())
        }
    }
    val transport = when (transportKind) {
        "streamable" -> StreamableHttpClientTransport(http, loop.baseUrl + "/mcp", requestBuilder = requestBuilder)
        "sse" -> SseClientTransport(http, loop.baseUrl + "/sse", requestBuilder = requestBuilder)
        else -> throw IllegalArgumentException("unknown transport $transportKind")
    }
    val client = newClient()
    loop.run(
        { runBlocking { withTimeout(STEP_TIMEOUT_MILLIS) { client.connect(transport) } } },
        { runBlocking { withTimeout(STEP_TIMEOUT_MILLIS) { pingText(client) } } },
        {
            runBlocking { client.close() }
            http.close()
        },
    )
}

private fun configure(config: HttpClientConfig<*>, headerWay: String, token: String) {
    config.install(SSE)
    when (headerWay) {
        "builder" -> {}
        "default" -> config.defaultRequest { header("Authorization", "Bearer $token") }
        "authstatic", "authrefresh" -> config.install(Auth) {
            bearer {
                loadTokens { BearerTokens(token, null) }
                sendWithoutRequest { true }
                if (headerWay == "authrefresh") {
                    refreshTokens { BearerTokens(token, null) }
                }
            }
        }
        else -> throw IllegalArgumentException("unknown header way $headerWay")
    }
}
