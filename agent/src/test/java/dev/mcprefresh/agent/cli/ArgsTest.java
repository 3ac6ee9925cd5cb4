package dev.mcprefresh.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Set;
import org.junit.jupiter.api.Test;

class ArgsTest {
    private static final Set<String> VALUED = Set.of("client-id", "client-secret-file", "refresh-token-file");

    @Test
    void aSecretOnTheCommandLineIsRefusedWithoutEchoAndPointsToTheFileOption() {
        Args.UsageException e = assertThrows(Args.UsageException.class, () -> Args.parse(
                new String[] {"add", "https://mcp.example/mcp", "--client-secret", "cs-SECRET"}, 1, VALUED, Set.of()));
        assertEquals("--client-secret would put a secret on the command line, where every user of this machine can"
                + " read it (ps, /proc/<pid>/cmdline); pass it in a file: --client-secret-file F", e.getMessage());
        e = assertThrows(Args.UsageException.class, () -> Args.parse(
                new String[] {"add", "--refresh-token=rt-SECRET"}, 1, VALUED, Set.of()));
        assertFalse(e.getMessage().contains("SECRET"), e.getMessage());
        e = assertThrows(Args.UsageException.class, () -> Args.parse(
                new String[] {"add", "--access-token", "at-SECRET"}, 1, VALUED, Set.of()));
        assertFalse(e.getMessage().contains("SECRET"), e.getMessage());
        assertEquals("unknown option --colour", assertThrows(Args.UsageException.class,
                () -> Args.parse(new String[] {"add", "--colour"}, 1, VALUED, Set.of())).getMessage());
    }
}
