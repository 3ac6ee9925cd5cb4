package dev.mcprefresh.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcprefresh.agent.bridge.McpRefreshBridge;
import dev.mcprefresh.core.config.Settings;
import dev.mcprefresh.core.log.Log;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Wrong configuration never stops the app: the feature it names is off and one line says why. */
class AgentStartTest {
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private static final dev.mcprefresh.agent.library.EnabledLibraries ALL =
            dev.mcprefresh.agent.library.EnabledLibraries.all(false);
    private final List<String> instrumentationCalls = new ArrayList<>();

    @BeforeEach
    void captureLog() {
        Log.setOutput(new PrintStream(log, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void reset() {
        Log.setOutput(System.err);
        Log.setLevel(Log.Level.INFO);
        System.clearProperty("mcp.refresh.agent.started");
        McpRefreshBridge.hooks = null;
    }

    /** Records which Instrumentation methods the agent calls; it needs only addTransformer. */
    private Instrumentation instrumentation() {
        return (Instrumentation) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {Instrumentation.class}, (proxy, method, args) -> {
                    instrumentationCalls.add(method.getName());
                    return method.getReturnType() == boolean.class ? Boolean.FALSE : null;
                });
    }

    private List<String> lines() {
        String t = log.toString(StandardCharsets.UTF_8);
        return t.isEmpty() ? List.of() : List.of(t.split("\n"));
    }

    @Test
    void malformedAgentArgumentsTurnTheAgentOffWithOneLineThatDoesNotEchoThem() {
        AgentEntry.premain("store=/tmp/x,eyJhbGciOiJSUzI1NiJ9.SECRET", instrumentation());
        assertEquals(1, lines().size(), lines().toString());
        assertTrue(lines().get(0).startsWith("[mcp-refresh] ERROR agent argument 2")
                && lines().get(0).contains("the agent is off and the app runs without it"), lines().get(0));
        assertFalse(lines().get(0).contains("SECRET"));
        assertEquals(List.of(), instrumentationCalls, "no class is changed");
    }

    @Test
    void anInvalidEnabledValueTurnsTheAgentOffAndSaysSo() {
        AgentEntry.premain("enabled=yes-please", instrumentation());
        assertEquals(List.of("[mcp-refresh] ERROR mcp.refresh.enabled must be true or false, not 'yes-please'; the"
                + " agent is off and the app runs without it"), lines());
        assertEquals(List.of(), instrumentationCalls);
    }

    @Test
    void anInvalidLogLevelIsNamedAndTheAgentStaysOff() {
        AgentEntry.premain("log.level=loud", instrumentation());
        assertEquals(1, lines().size(), lines().toString());
        assertTrue(lines().get(0).contains("unknown log level 'loud'"), lines().get(0));
    }

    @Test
    void badNumbersFallBackToDefaultsWithOneLineEach() {
        AgentEntry.premain("refresh.skew.seconds=-3,http.timeout.seconds=ten,allow.insecure.http=maybe,store="
                + System.getProperty("java.io.tmpdir") + "/mcp-refresh-agent-start-test.json", instrumentation());
        assertEquals(List.of("addTransformer"), instrumentationCalls, "the agent runs");
        Agent.LazyRegistry registry = new Agent.LazyRegistry(Settings.load(
                "refresh.skew.seconds=-3,http.timeout.seconds=ten,allow.insecure.http=maybe"));
        log.reset();
        assertTrue(registry.get() != null);
        List<String> l = lines();
        assertEquals(3, l.size(), l.toString());
        assertTrue(l.get(0).contains("mcp.refresh.http.timeout.seconds must be a whole number of seconds, not 'ten'; using 10"), l.get(0));
        assertTrue(l.get(1).contains("mcp.refresh.refresh.skew.seconds") && l.get(1).contains("using 60"), l.get(1));
        assertTrue(l.get(2).contains("mcp.refresh.allow.insecure.http must be true or false") && l.get(2).contains("using false"), l.get(2));
    }

    /** A class loader that sees no library at all (the bootstrap's parent only). */
    private static ClassLoader noLibraries() {
        return new java.net.URLClassLoader(new java.net.URL[0], null);
    }

    @Test
    void anAppWithoutAnMcpLibraryGetsNoTransformerAndOneLineSaysHowToForceIt() {
        Agent.start("store=/tmp/x", instrumentation(), false, noLibraries());
        assertEquals(List.of(), instrumentationCalls, "no transformer: the JVM's class loading costs nothing more");
        assertEquals(1, lines().size(), lines().toString());
        assertTrue(lines().get(0).startsWith("[mcp-refresh] INFO no MCP client library on the class path")
                && lines().get(0).contains("mcp.refresh.instrument=always"), lines().get(0));
        assertNull(McpRefreshBridge.hooks);
    }

    @Test
    void instrumentAlwaysRegistersTheTransformerWhateverTheClassPath() {
        Agent.start("store=/tmp/x,instrument=always", instrumentation(), false, noLibraries());
        assertEquals(List.of("addTransformer"), instrumentationCalls);
        assertEquals(List.of(), lines());
    }

    @Test
    void anMcpLibraryOnTheClassPathIsFoundAndABadInstrumentValueIsReadAsAuto() {
        assertTrue(dev.mcprefresh.agent.instrument.McpClassPath.marker(getClass().getClassLoader(), ALL)
                .startsWith("io/modelcontextprotocol/"), "the SDK on the test class path");
        assertNull(dev.mcprefresh.agent.instrument.McpClassPath.marker(noLibraries(), ALL));
        ClassLoader broken = new ClassLoader(null) {
            @Override
            public java.net.URL getResource(String name) {
                throw new IllegalStateException("simulated");
            }
        };
        assertTrue(dev.mcprefresh.agent.instrument.McpClassPath.marker(broken, ALL) != null,
                "a lookup that fails cannot rule MCP out: the transformer is registered as without the check");
        Agent.start("store=/tmp/x,instrument=sometimes", instrumentation(), false, getClass().getClassLoader());
        assertEquals(List.of("addTransformer"), instrumentationCalls);
        assertEquals(List.of("[mcp-refresh] WARN mcp.refresh.instrument must be auto or always, not 'sometimes';"
                + " using auto"), lines());
    }

    @Test
    void aStorePathThatCannotBeUsedLeavesTransportsAloneAndIsSaidOnce() {
        Agent.LazyRegistry registry = new Agent.LazyRegistry(Settings.load("store=/tmp/bad\u0000path"));
        assertNull(registry.get());
        assertNull(registry.get());
        assertEquals(1, lines().size(), lines().toString());
        assertTrue(lines().get(0).startsWith("[mcp-refresh] ERROR the settings cannot be used"), lines().get(0));
    }
}
