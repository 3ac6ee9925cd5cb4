package dev.mcprefresh.it;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test class whose tests share one authorization server and the MCP servers they ask for, started before the first
 * test and closed after the last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class WithItServers {
    protected ItServers servers;

    @BeforeAll
    void startServers(@TempDir Path dir) throws Exception {
        servers = ItServers.start(dir);
    }

    @AfterAll
    void stopServers() {
        if (servers != null) {
            servers.close();
        }
    }
}
