package dev.mcprefresh.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** An MCP SDK server app (the same SDK version as the client under test) in its own JVM, behind the bearer gate. */
final class McpServerProcess implements AutoCloseable {
    private final ForkedProcess process;
    final String mcpUrl;
    final String baseUrl;

    private McpServerProcess(ForkedProcess process, String mcpUrl, String baseUrl) {
        this.process = process;
        this.mcpUrl = mcpUrl;
        this.baseUrl = baseUrl;
    }

    static McpServerProcess start(String sdk, String transport, AuthorizationServer as, Path workDir) throws Exception {
        return start(sdk, transport, as, workDir, List.of());
    }

    /**
     * {@code jvmOptions}: e.g. {@code -Dit.gate.cacheIntrospection=true} for the throughput benchmark,
     * {@code -Dit.gate.foreignPort=N} for the gate's {@code /cross-origin-redirect/mcp} (see BearerGate).
     */
    static McpServerProcess start(String sdk, String transport, AuthorizationServer as, Path workDir,
            List<String> jvmOptions) throws Exception {
        Path secret = workDir.resolve("rs-secret");
        Files.writeString(secret, AuthorizationServer.RS_SECRET);
        int port = ItEnv.freePort();
        List<String> command = new java.util.ArrayList<>(List.of(ItEnv.java().toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", ItEnv.appClasspath(sdk), ItEnv.APP_PACKAGE + ".ServerApp", String.valueOf(port),
                as.issuer, AuthorizationServer.RS_CLIENT, secret.toString(), transport));
        ForkedProcess p = ForkedProcess.start("mcp-server-" + sdk + "-" + transport, command, workDir);
        String ready = p.awaitLine(l -> l.startsWith("READY "), Duration.ofSeconds(60));
        McpServerProcess server = new McpServerProcess(p, ready.substring(6).trim(), "http://127.0.0.1:" + port);
        server.warmUp();
        return server;
    }

    /**
     * One rejected request through the gate (it introspects at the authorization server) so that the first request
     * of a test does not pay for a cold server JVM: a short-lived token must not die while the server warms up.
     */
    private void warmUp() throws Exception {
        // An opaque token warms the introspection path, a (badly signed) JWT the local check and its JWKS fetch.
        for (String token : List.of("warm-up", WARM_UP_JWT)) {
            java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(mcpUrl)).header("Authorization", "Bearer " + token)
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding());
        }
    }

    /** Header {"alg":"RS256","typ":"at+jwt"}, claims {}, a one-byte signature. */
    private static final String WARM_UP_JWT = "eyJhbGciOiJSUzI1NiIsInR5cCI6ImF0K2p3dCJ9.e30.AA";

    /** The bearer gate's counters (accepted, rejected, wrongUser, userChecked, redirects, ...). */
    long gateStat(String name) throws Exception {
        java.net.http.HttpResponse<byte[]> r = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(baseUrl + "/test/stats")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        Long n = dev.mcprefresh.core.json.Json.number(dev.mcprefresh.core.json.Json.parseObject(r.body()), name);
        if (n == null) {
            throw new AssertionError("the gate has no counter " + name + ": " + new String(r.body(),
                    java.nio.charset.StandardCharsets.UTF_8));
        }
        return n;
    }

    String output() {
        return process.output();
    }

    @Override
    public void close() {
        process.close();
    }
}
