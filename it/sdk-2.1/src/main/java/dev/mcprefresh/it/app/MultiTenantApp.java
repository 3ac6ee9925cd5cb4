package dev.mcprefresh.it.app;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A multi-tenant backend: one JVM, two Streamable HTTP transports to the same MCP URL, each with its own user's
 * static bearer token (set once in the request template, never refreshed) and a header {@code X-Test-User} naming
 * that user, which the test server's gate compares with the token's subject. Calls the {@code ping} tool on both,
 * {@code rounds} times {@code interval} apart. Prints "A CALL 1 OK" style lines and one summary per transport,
 * "SUMMARY A ok=N failed=M".
 * <p>
 * The tokens live 3 s, less than a cold JVM needs to load the SDK and initialize, so the app warms up first (one
 * initialize without a token at {@code <base-url>/warm-up/mcp}, refused, which no store entry matches), prints
 * "WARM", and only then waits for the token files, which the test writes after its logins: each user's first call
 * then happens well inside the token's life, so "works at first, fails at expiry" is not a race with start-up.
 * <p>
 * Arguments: base-url rounds interval-ms user-A token-file-A user-B token-file-B.
 */
public final class MultiTenantApp {
    private MultiTenantApp() {
    }

    private static final class Tenant {
        final String label;
        final McpSyncClient client;
        boolean initialized;
        int ok;
        int failed;

        Tenant(String label, String baseUrl, String user, String token) {
            this.label = label;
            HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(baseUrl)
                    .endpoint("/mcp").requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + token)
                            .header("X-Test-User", user))
                    .build();
            this.client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(4))
                    .initializationTimeout(Duration.ofSeconds(8)).build();
        }

        void initialize() {
            try {
                client.initialize();
                initialized = true;
                System.out.println(label + " INIT OK");
            } catch (RuntimeException e) {
                System.out.println(label + " INIT FAIL " + e.getClass().getName());
            }
        }

        /** Class names only: an exception's message may quote a server's answer. */
        void call(int round) {
            if (!initialized) {
                failed++;
                System.out.println(label + " CALL " + round + " FAIL not initialized");
                return;
            }
            try {
                McpSchema.CallToolResult r = client.callTool(new McpSchema.CallToolRequest("ping", Map.of()));
                if ("pong".equals(((McpSchema.TextContent) r.content().get(0)).text())) {
                    ok++;
                    System.out.println(label + " CALL " + round + " OK");
                } else {
                    failed++;
                    System.out.println(label + " CALL " + round + " FAIL unexpected result");
                }
            } catch (RuntimeException e) {
                failed++;
                System.out.println(label + " CALL " + round + " FAIL " + e.getClass().getName());
            }
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 7) {
            throw new IllegalArgumentException(
                    "usage: <base-url> <rounds> <interval-ms> <user-A> <token-file-A> <user-B> <token-file-B>");
        }
        String baseUrl = args[0];
        int rounds = Integer.parseInt(args[1]);
        long interval = Long.parseLong(args[2]);
        warmUp(baseUrl);
        System.out.println("WARM");
        System.out.flush();
        List<Tenant> tenants = List.of(
                new Tenant("A", baseUrl, args[3], awaitToken(Paths.get(args[4]))),
                new Tenant("B", baseUrl, args[5], awaitToken(Paths.get(args[6]))));
        tenants.forEach(Tenant::initialize);
        for (int round = 1; round <= rounds; round++) {
            for (Tenant t : tenants) {
                t.call(round);
            }
            if (round < rounds) {
                Thread.sleep(interval);
            }
        }
        for (Tenant t : tenants) {
            System.out.println("SUMMARY " + t.label + " ok=" + t.ok + " failed=" + t.failed);
        }
        System.out.flush();
        Runtime.getRuntime().halt(0); // no graceful close: a failed transport may hang in it, the summary is out
    }

    private static void warmUp(String baseUrl) {
        McpSyncClient warm = McpClient.sync(HttpClientStreamableHttpTransport.builder(baseUrl).endpoint("/warm-up/mcp")
                .build()).requestTimeout(Duration.ofSeconds(4)).initializationTimeout(Duration.ofSeconds(8)).build();
        try {
            warm.initialize();
        } catch (RuntimeException expected) {
            // 401: only the classes and connections were wanted
        }
    }

    /** The test writes each token file atomically once it has seen "WARM". */
    private static String awaitToken(Path file) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!Files.exists(file)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no token file " + file);
            }
            Thread.sleep(10);
        }
        return Files.readString(file).trim();
    }
}
