package dev.mcprefresh.agent.library;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcprefresh.core.config.Settings;
import dev.mcprefresh.core.config.UnknownSettings;
import dev.mcprefresh.core.log.Log;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each library's switch, {@code mcp.refresh.library.<name>.enabled}, from any of the three sources. */
class EnabledLibrariesTest {
    private static final String LANGCHAIN4J = "dev/langchain4j/mcp/client/transport/http/StreamableHttpMcpTransport";
    private static final String SDK = "io/modelcontextprotocol/client/transport/HttpClientStreamableHttpTransport";
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @BeforeEach
    void captureLog() {
        Log.setOutput(new PrintStream(log, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreLog() {
        Log.setOutput(System.err);
    }

    private List<String> lines() {
        String t = log.toString(StandardCharsets.UTF_8);
        return t.isEmpty() ? List.of() : List.of(t.split("\n"));
    }

    @Test
    void aLibrarySwitchedOffIsNeverPatchedAndSaidOnce() {
        for (Settings s : List.of(Settings.resolve(Map.of("library.langchain4j.enabled", "false"), k -> null, Map.of()),
                Settings.resolve(Map.of(), k -> k.equals("mcp.refresh.library.langchain4j.enabled") ? "FALSE" : null,
                        Map.of()),
                Settings.resolve(Map.of(), k -> null, Map.of("MCP_REFRESH_LIBRARY_LANGCHAIN4J_ENABLED", "false")))) {
            EnabledLibraries libraries = EnabledLibraries.of(s, false);
            assertNull(libraries.edits(LANGCHAIN4J));
            assertNotNull(libraries.edits(SDK), "the others stay on");
        }
        assertEquals(3, lines().size(), lines().toString());
        assertEquals("[mcp-refresh] INFO support for langchain4j is off (mcp.refresh.library.langchain4j.enabled=false)",
                lines().get(0));
    }

    @Test
    void aValueOtherThanTrueOrFalseIsSaidAndReadAsOn() {
        EnabledLibraries libraries = EnabledLibraries.of(Settings.resolve(Map.of("library.mcp-sdk.enabled", "no"),
                k -> null, Map.of()), false);
        assertNotNull(libraries.edits(SDK));
        assertEquals(List.of("[mcp-refresh] WARN mcp.refresh.library.mcp-sdk.enabled must be true or false, not 'no';"
                + " read as true"), lines());
    }

    @Test
    void everySwitchOffLeavesTheAgentNothingToDo() {
        Map<String, String> args = new java.util.HashMap<>();
        for (LibraryDescriptor d : Libraries.all()) {
            args.put("library." + d.name() + ".enabled", "false");
        }
        assertTrue(args.size() >= 4, "the SDK, LangChain4j, WebClient and Kotlin SDK switches: " + args);
        assertTrue(EnabledLibraries.of(Settings.resolve(args, k -> null, Map.of()), false).none());
        args.remove("library.kotlin-sdk.enabled");
        assertFalse(EnabledLibraries.of(Settings.resolve(args, k -> null, Map.of()), false).none(),
                "one library left on is something to do");
    }

    @Test
    void theSwitchesAreKnownSettingsAndAMisspeltOneIsNot() {
        Properties props = new Properties();
        props.setProperty("mcp.refresh.library.langchain4j.enabled", "false");
        props.setProperty("mcp.refresh.library.langchain.enabled", "false");
        List<String> warnings = UnknownSettings.warnings(Map.of("library.spring-webclient.enabled", "false"), props,
                Map.of("MCP_REFRESH_LIBRARY_MCP_SDK_ENABLED", "true"), "", EnabledLibraries.switchKeys());
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("mcp.refresh.library.langchain.enabled"), warnings.get(0));
    }
}
