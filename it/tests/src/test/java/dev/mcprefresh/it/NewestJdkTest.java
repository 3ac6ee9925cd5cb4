package dev.mcprefresh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent built for Java 17 on the newest JDK installed here (Temurin 25 on the project's machines). */
class NewestJdkTest {
    @Test
    void sessionsStayAliveOnTheNewestJdk(@TempDir Path work) throws Exception {
        Path java = ItEnv.newestOtherJava();
        assumeTrue(java != null, "no JDK newer than the one running the tests is installed");
        try (AuthorizationServer as = AuthorizationServer.start(work);
             McpServerProcess server = McpServerProcess.start("2.1", "streamable", as, work)) {
            AuthorizationServer.Tokens tokens = as.login("app");
            Path rt = work.resolve("rt.txt");
            Files.writeString(rt, tokens.refreshToken());
            Path store = work.resolve("store/tokens.json");
            AgentCli.Result add = AgentCli.run(work, "add", server.mcpUrl, "--client-id", "app",
                    "--refresh-token-file", rt.toString(), "--store", store.toString());
            assertEquals(0, add.exitCode(), add.output());
            try (ClientRun run = ClientRun.start(java, "2.1", "streamable-customizer", server.baseUrl,
                    tokens.accessToken(), store, 8, 1200, work, line -> { }).finish()) {
                assertEquals(0, run.failed, java + ":\n" + run.output());
                assertEquals(8, run.ok, run.output());
                assertFalse(run.output().contains("Sharing is only supported"),
                        "the agent must not turn off class-data sharing:\n" + run.output());
            }
        }
    }

    @Test
    void attachWorksOnTheNewestJdkWhichSaysSo(@TempDir Path work) throws Exception {
        Path java = ItEnv.newestOtherJava();
        assumeTrue(java != null, "no JDK newer than the one running the tests is installed");
        try (AuthorizationServer as = AuthorizationServer.start(work);
             McpServerProcess server = McpServerProcess.start("2.1", "streamable", as, work)) {
            String out = CliTest.attachToAFailingApp(java, as, server, work);
            // JEP 451 (JDK 21+): the JVM warns once about the dynamically loaded agent; the README says how to avoid it.
            assertTrue(out.contains("WARNING: A Java agent has been loaded dynamically"), out);
        }
    }
}
