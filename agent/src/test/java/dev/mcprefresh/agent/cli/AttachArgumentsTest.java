package dev.mcprefresh.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcprefresh.core.config.Settings;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AttachArgumentsTest {
    private static Args args(String... argv) {
        return Args.parse(argv, 1, Set.of("store", "log-level"), Set.of("help"));
    }

    private static Settings settings(Map<String, String> props) {
        return Settings.resolve(Map.of(), props::get, Map.of());
    }

    @Test
    void aFileStoreIsPassedAsAnAbsolutePath() {
        List<String> a = AttachCommand.agentArgs(args("attach", "1", "--store", "rel/tokens.json"), settings(Map.of()));
        assertEquals(List.of("store=" + Paths.get("rel/tokens.json").toAbsolutePath()), a);
    }

    @Test
    void aDatabaseStoreIsPassedAsItsUrlWithHowToReachIt() {
        List<String> a = AttachCommand.agentArgs(args("attach", "1", "--store", "jdbc:postgresql://db:5432/mcp",
                "--log-level", "debug"), settings(Map.of("mcp.refresh.store.user", "fleet",
                "mcp.refresh.store.password.file", "secrets/db-password", "mcp.refresh.store.key.file", "/k/store-key")));
        assertEquals(List.of("store=postgresql://db:5432/mcp", "store.user=fleet",
                "store.password.file=" + Paths.get("secrets/db-password").toAbsolutePath(),
                "store.key.file=/k/store-key", "log.level=debug"), a,
                "never taken for a file path; the files named, never read");
    }

    @Test
    void aUrlShapedStoreThatIsNotADatabaseIsRefused() { // exit code 2, as every bad command line
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AttachCommand.agentArgs(
                args("attach", "1", "--store", "postgresql:/db/mcp"), settings(Map.of())));
        assertTrue(e.getMessage().contains("postgresql://HOST"), e.getMessage());
    }

    @Test
    void aValueThatWouldSplitTheAgentArgumentsIsRefused() {
        assertThrows(Args.UsageException.class, () -> AttachCommand.agentArgs(
                args("attach", "1", "--store", "/tmp/a,b/tokens.json"), settings(Map.of())));
    }
}
