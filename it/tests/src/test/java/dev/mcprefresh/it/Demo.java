package dev.mcprefresh.it;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The README's demo (run by ./demo.sh): an MCP Java SDK 2.1 app with a static 3-second bearer token, against a real
 * OAuth server (oidc-provider) and a real MCP server on loopback; first without the agent, then with it.
 */
public final class Demo {
    private static final int CALLS = 8;
    private static final long INTERVAL = 1000;

    private Demo() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory("mcp-refresh-demo");
        say("Starting a real OAuth authorization server (oidc-provider, 5-second access tokens, rotating refresh"
                + " tokens) and an MCP Java SDK 2.1 server that checks every bearer token, both on 127.0.0.1 ...");
        try (AuthorizationServer as = AuthorizationServer.start(work);
             McpServerProcess server = McpServerProcess.start("2.1", "streamable", as, work)) {
            say("MCP server: " + server.mcpUrl + "   authorization server: " + as.issuer);

            say("\n1) BEFORE: the app signs in once and builds its transport with a static 'Authorization: Bearer ...'"
                    + " header.\n   It calls the 'ping' tool " + CALLS + " times, " + INTERVAL + " ms apart, without"
                    + " the agent:");
            Secrets secrets = new Secrets();
            StringBuilder everything = new StringBuilder();
            AuthorizationServer.Tokens first = as.login("app-5s");
            secrets.add(first);
            try (ClientRun run = ClientRun.start("2.1", "streamable-requestBuilder", server.baseUrl, first.accessToken(),
                    null, CALLS, INTERVAL, work, Demo::app).finish()) {
                say("   -> " + run.ok + " calls worked, " + run.failed + " failed once the token expired.");
                if (System.getenv("DEMO_DEBUG") != null) {
                    System.out.println(run.output());
                }
                everything.append(run.output());
            }

            say("\n2) Seed the token store once with the refresh token (no browser needed):");
            AuthorizationServer.Tokens second = as.login("app-5s");
            secrets.add(second);
            Path rt = work.resolve("refresh-token.txt");
            Files.writeString(rt, second.refreshToken());
            Path store = work.resolve("store/tokens.json");
            say("   $ java -jar agent/target/mcp-refresh.jar add " + server.mcpUrl
                    + " --client-id app-5s --refresh-token-file refresh-token.txt --store " + store);
            String added = AgentCli.run(work, "add", server.mcpUrl, "--client-id", "app-5s",
                    "--refresh-token-file", rt.toString(), "--store", store.toString()).output();
            System.out.println(indent(added));
            everything.append(added);
            say("   $ java -jar agent/target/mcp-refresh.jar status --store " + store);
            String status = AgentCli.run(work, "status", "--store", store.toString()).output();
            System.out.println(indent(status));
            everything.append(status);

            say("\n3) AFTER: the same app, same code, same static header, started with -javaagent:mcp-refresh.jar:");
            try (ClientRun run = ClientRun.start("2.1", "streamable-requestBuilder", server.baseUrl,
                    second.accessToken(), store, CALLS, INTERVAL, work, Demo::app).finish()) {
                say("   -> " + run.ok + " calls worked, " + run.failed + " failed.");
                everything.append(run.output());
            }
            secrets.addFromStore(store);
            secrets.assertNotIn("the demo", everything.toString());
            say("\nThe agent gave every request the store's current token, refreshed it before expiry and kept the"
                    + " rotated refresh token on disk. Checked: none of the " + secrets.size() + " tokens seen in this"
                    + " demo appears in any output above.");
        }
    }

    private static void app(String line) {
        if (line.startsWith("INIT") || line.startsWith("CALL") || line.startsWith("SUMMARY")
                || line.startsWith("[mcp-refresh]")) {
            System.out.println("   app> " + line);
        }
    }

    private static String indent(String text) {
        return "   " + text.strip().replace("\n", "\n   ");
    }

    private static void say(String s) {
        System.out.println(s);
    }
}
