package dev.mcprefresh.agent.patcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcprefresh.agent.testing.TestJars;
import dev.mcprefresh.core.log.Log;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Modifier;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A field the agent sets (a library's final client or builder field) is loaded non-final, so no final field is ever
 * written: only that field's flag changes, the class verifies, and a field the class lacks leaves it alone.
 */
class WritableFieldTest {
    private static final String TRANSPORT = "dev/mcprefresh/agent/patcher/SyntheticTransport";
    private static final String HTTP_CLIENT = "Ljava/net/http/HttpClient;";

    private static Class<?> load(byte[] bytes) throws ClassNotFoundException {
        String name = TRANSPORT.replace('/', '.');
        return Class.forName(name, true, new TestJars.ChildFirstClasses(Map.of(name, bytes),
                WritableFieldTest.class.getClassLoader()));
    }

    @Test
    void onlyTheNamedFieldLosesItsFinalFlag() throws Exception {
        byte[] original = FieldReadSubstitutionTest.classBytes(TRANSPORT);
        byte[] patched = ClassPatcher.patch(TRANSPORT, original,
                ClassPatch.NONE.withWritableField("client", HTTP_CLIENT));
        assertNotNull(patched);
        assertEquals(original.length, patched.length, "two bytes of flags change, nothing moves");
        Class<?> type = load(patched);
        assertFalse(Modifier.isFinal(type.getDeclaredField("client").getModifiers()));
        assertTrue(Modifier.isFinal(type.getDeclaredField("name").getModifiers()), "other fields stay final");
        assertTrue(Modifier.isPrivate(type.getDeclaredField("client").getModifiers()), "other flags stay");
    }

    @Test
    void aFieldTheClassLacksLeavesItAloneWithOneLine() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Log.setOutput(new PrintStream(log, true));
        try {
            assertNull(ClassPatcher.patch(TRANSPORT, FieldReadSubstitutionTest.classBytes(TRANSPORT),
                    ClassPatch.NONE.withWritableField("client", "Lokhttp3/OkHttpClient;")));
        } finally {
            Log.setOutput(System.err);
        }
        String[] lines = log.toString().split("\n");
        assertEquals(1, lines.length, log.toString());
        assertTrue(lines[0].contains("it lacks an instance field client:Lokhttp3/OkHttpClient;"), lines[0]);
    }
}
