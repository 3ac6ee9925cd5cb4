package dev.mcprefresh.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class UnknownSettingsTest {
    @Test
    void aMistypedKeyFromAnySourceIsNamedWithTheClosestKnownKey() {
        Properties props = new Properties();
        props.setProperty("mcp.refresh.log.levl", "debug");
        props.setProperty("mcp.refresh.store", "/tmp/x");
        props.setProperty("mcp.refresh.agent.started", "true");
        props.setProperty("user.home", "/root");
        List<String> w = UnknownSettings.warnings(Map.of("stor", "/x", "log.level", "debug"), props,
                Map.of("MCP_REFRESH_HTTP_TIMEOUT_SECOND", "5", "MCP_REFRESH_STORE", "/y", "HOME", "/root"),
                "mcp.refresh.agent.started");
        assertEquals(3, w.size(), w.toString());
        assertTrue(w.contains("unknown setting 'stor' (agent argument) is ignored; did you mean store?"), w.toString());
        assertTrue(w.contains("unknown setting 'mcp.refresh.log.levl' (system property) is ignored; did you mean"
                + " mcp.refresh.log.level?"), w.toString());
        assertTrue(w.contains("unknown setting 'MCP_REFRESH_HTTP_TIMEOUT_SECOND' (environment variable) is ignored;"
                + " did you mean MCP_REFRESH_HTTP_TIMEOUT_SECONDS?"), w.toString());
    }

    @Test
    void knownKeysRaiseNothing() {
        assertTrue(UnknownSettings.warnings(Map.of("mcp.refresh.enabled", "true", "lock.timeout.seconds", "3"),
                new Properties(), Map.of("MCP_REFRESH_LOG_LEVEL", "info"), "x").isEmpty());
    }

    @Test
    void aSecretLookingKeyIsRefusedWithoutItsValueAndPointsToTheStore() {
        Properties props = new Properties();
        props.setProperty("mcp.refresh.refresh.token", "rt-SECRET-1");
        List<String> w = UnknownSettings.warnings(Map.of("client_secret", "cs-SECRET-2"), props,
                Map.of("MCP_REFRESH_ACCESS_TOKEN", "at-SECRET-3"), "x");
        assertEquals(3, w.size(), w.toString());
        for (String line : w) {
            assertTrue(line.contains("looks like a secret") && line.contains("--refresh-token-file"), line);
            assertTrue(!line.contains("SECRET"), "the value is never shown: " + line);
        }
        assertTrue(w.stream().filter(l -> l.contains("/proc/<pid>/cmdline")).count() == 2,
                "the command-line sources warn about the process list, the environment does not: " + w);
    }

    @Test
    void theStoreSettingsAreOursAndAPasswordItselfPointsToThePasswordFile() {
        Properties props = new Properties();
        props.setProperty("mcp.refresh.store.user", "fleet");
        props.setProperty("mcp.refresh.store.password.file", "/run/secrets/db-password");
        props.setProperty("mcp.refresh.store.key.file", "/run/secrets/store-key");
        props.setProperty("mcp.refresh.store.encryption", "none");
        assertTrue(UnknownSettings.warnings(Map.of(), props, Map.of("MCP_REFRESH_STORE_PASSWORD_FILE", "/p",
                "MCP_REFRESH_STORE_KEY_FILE", "/k", "MCP_REFRESH_STORE_USER", "u"), "x").isEmpty(),
                "a file's name is not a secret");
        Properties withPassword = new Properties();
        withPassword.setProperty("mcp.refresh.store.password", "db-SECRET-4");
        List<String> w = UnknownSettings.warnings(Map.of(), withPassword,
                Map.of("MCP_REFRESH_STORE_PASSWORD", "db-SECRET-5"), "x");
        assertEquals(2, w.size(), w.toString());
        for (String line : w) {
            assertTrue(line.contains("looks like a secret") && line.contains("mcp.refresh.store.password.file"), line);
            assertTrue(!line.contains("SECRET"), "the value is never shown: " + line);
        }
    }
}
