package dev.mcprefresh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The scenario every client library must pass: an app that sets a static bearer header calls a tool over more than
 * three 3-second token lifetimes. Without the agent it must fail once the token expires (so the test proves
 * something); with {@code -javaagent} no call may fail, the store's refresh token keeps the session alive, and no
 * process prints a token.
 */
final class KeepAliveScenario {
    static final int CALLS = 9;
    static final long INTERVAL_MILLIS = 1200;

    private KeepAliveScenario() {
    }

    /** {@code app}: the client module ("2.1", "langchain4j-1.18", ...); {@code wiredLine}: what the agent says. */
    static void run(AuthorizationServer as, McpServerProcess server, String app, String mode, Path work,
            String wiredLine) throws Exception {
        Secrets secrets = new Secrets();
        Path dir = Files.createDirectories(work.resolve(app + "-" + mode));

        AuthorizationServer.Tokens plain = as.login("app");
        secrets.add(plain);
        try (ClientRun without = ClientRun.start(app, mode, server.baseUrl, plain.accessToken(), null, CALLS,
                INTERVAL_MILLIS, dir).finish()) {
            assertTrue(without.failed > 0, "without the agent the expired static token must fail:\n" + without.output());
            secrets.assertNotIn(without.process.name(), without.output());
        }

        AuthorizationServer.Tokens seeded = as.login("app");
        secrets.add(seeded);
        Path store = dir.resolve("store/tokens.json");
        AgentCli.Result add = seed(dir, server.mcpUrl, "app", seeded.refreshToken(), store);
        long refreshesBefore = as.tokenGrants("refresh_token");
        try (ClientRun with = ClientRun.start(app, mode, server.baseUrl, seeded.accessToken(), store, CALLS,
                INTERVAL_MILLIS, dir).finish()) {
            secrets.addFromStore(store);
            assertEquals(0, with.failed, "with the agent no call may fail:\n" + with.output());
            assertEquals(CALLS, with.ok, with.output());
            assertTrue(with.output().contains(wiredLine), "the agent says it took over: " + wiredLine + "\n"
                    + with.output());
            long refreshes = as.tokenGrants("refresh_token") - refreshesBefore;
            assertTrue(refreshes >= 3, "the run spans over three token lifetimes, so it must refresh: " + refreshes);
            secrets.assertNotIn(with.process.name(), with.output());
        }
        secrets.assertNotIn("mcp-refresh add", add.output());
        secrets.assertNotIn("oidc-provider", as.output());
        secrets.assertNotIn("MCP server", server.output());
    }

    static AgentCli.Result seed(Path dir, String mcpUrl, String clientId, String refreshToken, Path store)
            throws Exception {
        return seed(dir, mcpUrl, clientId, refreshToken, store, null);
    }

    /** {@code resource}: the RFC 8707 resource the grant is bound to, sent with every refresh; null for none. */
    static AgentCli.Result seed(Path dir, String mcpUrl, String clientId, String refreshToken, Path store,
            String resource) throws Exception {
        Path rt = dir.resolve("refresh-token.txt");
        Files.writeString(rt, refreshToken);
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("add", mcpUrl, "--client-id",
                clientId, "--refresh-token-file", rt.toString(), "--store", store.toString()));
        if (resource != null) {
            args.addAll(java.util.List.of("--resource", resource));
        }
        AgentCli.Result add = AgentCli.run(dir, args.toArray(new String[0]));
        assertEquals(0, add.exitCode(), add.output());
        assertTrue(add.output().contains("token endpoint: "), "the token endpoint is discovered: " + add.output());
        return add;
    }
}
