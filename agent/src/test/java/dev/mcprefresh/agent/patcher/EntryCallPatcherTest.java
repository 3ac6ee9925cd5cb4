package dev.mcprefresh.agent.patcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcprefresh.agent.bridge.McpRefreshBridge;
import dev.mcprefresh.agent.testing.RecordingHooks;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EntryCallPatcherTest {
    /** Shaped like an SDK transport builder; the loop gives build() stack map frames the injected code must respect. */
    public static final class FakeBuilder {
        public String seen = "";

        public Object build() {
            int i = 0;
            while (i < 2) {
                i++;
            }
            return seen + i;
        }

        /** Parameters of every kind: the injected frames must list them (a transport's sendMessage has one). */
        public String send(String message, long a, double b, int[] c, boolean d) {
            int i = 0;
            while (i < c.length) {
                i++;
            }
            return seen + message + a + b + i + d;
        }
    }

    @AfterEach
    void clearHook() {
        McpRefreshBridge.hooks = null;
    }

    private static Class<?> instrumented(boolean expectApplied, String descriptor) throws Exception {
        return instrumented(expectApplied, java.util.Map.of("build" + descriptor, "beforeBuild"));
    }

    private static Class<?> instrumented(boolean expectApplied, java.util.Map<String, String> targets)
            throws Exception {
        String name = FakeBuilder.class.getName();
        byte[] original;
        try (InputStream in = EntryCallPatcherTest.class.getResourceAsStream("/" + name.replace('.', '/') + ".class")) {
            original = in.readAllBytes();
        }
        byte[] patched = ClassPatcher.patch(name, original, ClassPatch.entryCalls(targets));
        assertEquals(expectApplied, patched != null);
        byte[] bytes = patched != null ? patched : original;
        // Child-first for the one class, so the verifier checks the changed bytes.
        ClassLoader loader = new ClassLoader(EntryCallPatcherTest.class.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String n, boolean resolve) throws ClassNotFoundException {
                if (n.equals(name)) {
                    synchronized (this) {
                        Class<?> c = findLoadedClass(n);
                        return c != null ? c : defineClass(n, bytes, 0, bytes.length);
                    }
                }
                return super.loadClass(n, resolve);
            }
        };
        return Class.forName(name, true, loader);
    }

    @Test
    void theHookSeesTheBuilderBeforeBuildRuns() throws Exception {
        Class<?> type = instrumented(true, "()Ljava/lang/Object;");
        Object builder = type.getConstructor().newInstance();
        List<Object> seen = new ArrayList<>();
        McpRefreshBridge.hooks = RecordingHooks.entries(b -> {
            seen.add(b);
            try {
                b.getClass().getField("seen").set(b, "hooked-");
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        });
        assertEquals("hooked-2", type.getMethod("build").invoke(builder));
        assertSame(builder, seen.get(0));
    }

    @Test
    void aMethodWithParametersGetsTheCallAndStillVerifies() throws Exception {
        Class<?> type = instrumented(true, java.util.Map.of("send(Ljava/lang/String;JD[IZ)Ljava/lang/String;",
                "transportStarting"));
        Object target = type.getConstructor().newInstance();
        List<Object> seen = new ArrayList<>();
        McpRefreshBridge.hooks = RecordingHooks.entries(seen::add);
        assertEquals("m71.53true", type.getMethod("send", String.class, long.class, double.class, int[].class,
                boolean.class).invoke(target, "m", 7L, 1.5, new int[3], true));
        assertSame(target, seen.get(0));
    }

    /** A method a library renamed between releases (the Kotlin SDK's start, later initialize): either one. */
    @Test
    void alternativesGetTheCallWhereverOneIsPresentAndNoneIsAShapeTheClassLacks() throws Exception {
        Class<?> type = instrumented(true, java.util.Map.of("start()V|build()Ljava/lang/Object;", "beforeBuild"));
        List<Object> seen = new ArrayList<>();
        McpRefreshBridge.hooks = RecordingHooks.entries(seen::add);
        Object builder = type.getConstructor().newInstance();
        type.getMethod("build").invoke(builder);
        assertEquals(List.of(builder), seen);
        instrumented(false, java.util.Map.of("start()V|initialize()V", "beforeBuild"));
    }

    @Test
    void eachAlternativeIsItsOwnEntryAndAMethodNamedTwiceIsATableError() {
        assertEquals(java.util.Map.of("start()V", "transportStarting", "initialize()V", "transportStarting",
                "close()V", "transportClosing"), EntryCallCode.byMethod(java.util.Map.of(
                        "start()V|initialize()V", "transportStarting", "close()V", "transportClosing")));
        IllegalArgumentException twice = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> EntryCallCode.byMethod(java.util.Map.of("start()V|close()V", "transportStarting", "close()V",
                        "transportClosing")));
        assertTrue(twice.getMessage().contains("close()V"), twice.getMessage());
    }

    @Test
    void aThrowingHookNeverReachesTheApp() throws Exception {
        Class<?> type = instrumented(true, "()Ljava/lang/Object;");
        McpRefreshBridge.hooks = RecordingHooks.entries(b -> {
            throw new OutOfMemoryError("simulated");
        });
        assertEquals("2", type.getMethod("build").invoke(type.getConstructor().newInstance()));
    }

    @Test
    void aBuildWithAnotherDescriptorIsLeftAlone() throws Exception {
        Class<?> type = instrumented(false, "()Lio/modelcontextprotocol/client/transport/HttpClientSseClientTransport;");
        List<Object> seen = new ArrayList<>();
        McpRefreshBridge.hooks = RecordingHooks.entries(seen::add);
        type.getMethod("build").invoke(type.getConstructor().newInstance());
        assertTrue(seen.isEmpty());
    }

    @Test
    void aClassWithAnSdkNameButOtherMembersIsSkippedWithOneLineAndBrokenBytesToo() throws Exception {
        byte[] original;
        try (InputStream in = EntryCallPatcherTest.class.getResourceAsStream(
                "/" + FakeBuilder.class.getName().replace('.', '/') + ".class")) {
            original = in.readAllBytes();
        }
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        dev.mcprefresh.core.log.Log.setOutput(new java.io.PrintStream(log, true));
        try {
            String fork = "io/modelcontextprotocol/client/transport/HttpClientSseClientTransport$Builder";
            assertEquals(null, ClassPatcher.patch(fork, original, ClassPatch.entryCalls(
                    java.util.Map.of("build()Lio/modelcontextprotocol/spec/McpClientTransport;", "beforeBuild"))));
            assertEquals(null, ClassPatcher.patch(fork, new byte[] {(byte) 0xCA, (byte) 0xFE, 1, 2},
                    ClassPatch.entryCalls(java.util.Map.of("build()Ljava/lang/Object;", "beforeBuild"))));
        } finally {
            dev.mcprefresh.core.log.Log.setOutput(System.err);
        }
        String[] lines = log.toString().split("\n");
        assertEquals(2, lines.length, log.toString());
        assertTrue(lines[0].startsWith("[mcp-refresh] WARN skipping io.modelcontextprotocol.client.transport."
                + "HttpClientSseClientTransport$Builder: it lacks"), lines[0]);
        assertTrue(lines[1].startsWith("[mcp-refresh] WARN could not instrument "), lines[1]);
    }

    @Test
    void aHookThatThrowsNeverReachesTheCaller() {
        McpRefreshBridge.hooks = RecordingHooks.entries(b -> {
            throw new StackOverflowError("simulated");
        });
        McpRefreshBridge.hooks = RecordingHooks.entries(b -> {
            throw new IllegalStateException("simulated");
        });
        McpRefreshBridge.beforeBuild(new Object());
        McpRefreshBridge.transportStarting(new Object());
    }
}
