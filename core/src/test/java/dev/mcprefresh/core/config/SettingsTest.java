package dev.mcprefresh.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Paths;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {
    @Test
    void agentArgsBeatSystemPropertiesBeatEnvironmentBeatDefaults() {
        Map<String, String> props = Map.of("mcp.refresh.store", "/from/props", "mcp.refresh.log.level", "warn");
        Map<String, String> env = Map.of("MCP_REFRESH_STORE", "/from/env", "MCP_REFRESH_LOG_LEVEL", "error",
                "MCP_REFRESH_REFRESH_SKEW_SECONDS", "5");
        Settings s = Settings.resolve(Settings.parseAgentArgs("store=/from/args"), props::get, env);
        assertEquals("/from/args", s.get(Setting.STORE));
        assertEquals("warn", s.get(Setting.LOG_LEVEL));
        assertEquals(Duration.ofSeconds(5), s.duration(Setting.REFRESH_SKEW_SECONDS));
        assertEquals("10", s.get(Setting.HTTP_TIMEOUT_SECONDS));
    }

    @Test
    void agentArgsAcceptFullKeysAndSemicolons() {
        Map<String, String> args = Settings.parseAgentArgs("mcp.refresh.log.level=debug;enabled=false");
        Settings s = Settings.resolve(args, k -> null, Map.of());
        assertEquals("debug", s.get(Setting.LOG_LEVEL));
        assertFalse(s.enabled());
    }

    @Test
    void envNamesFollowTheKeys() {
        assertEquals("MCP_REFRESH_LOG_LEVEL", Setting.LOG_LEVEL.envName());
        assertEquals("log.level", Setting.LOG_LEVEL.shortKey());
    }

    @Test
    void badValuesAreClearErrors() {
        assertThrows(IllegalArgumentException.class, () -> Settings.parseAgentArgs("novalue"));
        Settings s = Settings.resolve(Map.of("http.timeout.seconds", "soon", "enabled", "maybe"), k -> null, Map.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> s.duration(Setting.HTTP_TIMEOUT_SECONDS));
        assertEquals("mcp.refresh.http.timeout.seconds must be a whole number of seconds, not 'soon'", e.getMessage());
        assertThrows(IllegalArgumentException.class, s::enabled);
        StringBuilder logged = new StringBuilder();
        assertEquals(Duration.ofSeconds(10), s.durationOrDefault(Setting.HTTP_TIMEOUT_SECONDS, logged::append));
        assertFalse(logged.toString().isEmpty());
    }

    @Test
    void homeIsExpanded() {
        assertEquals(Paths.get(System.getProperty("user.home"), ".mcp-refresh/tokens.json"),
                Settings.expandHome("~/.mcp-refresh/tokens.json"));
    }

    @Test
    void aMalformedAgentArgumentIsReportedWithoutEchoingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Settings.parseAgentArgs("store=/x,eyJhbGciOiJSUzI1NiJ9.SECRET"));
        assertEquals("agent argument 2 (27 characters) is not key=value", e.getMessage());
    }
}
