package dev.mcprefresh.agent.patcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcprefresh.agent.testing.TestJars;
import java.io.File;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The patcher against real-world bytecode: every instance method of every class of a library gets the entry call and
 * every read of the class's own reference-typed instance fields in those methods goes through a static reader; then
 * the JVM's verifier checks each patched class (switches, exception tables, uninitialized-object frames, long methods:
 * whatever javac, kotlinc and other compilers wrote there) and ASM reads it back as a second opinion.
 */
class EntryCallPatcherRealClassesTest {

    @ParameterizedTest
    @ValueSource(strings = {"mcp-core", "reactor-core", "jackson-databind", "byte-buddy-1", "kotlin-stdlib-2",
            "kotlinx-coroutines-core-jvm", "ktor-client-core-jvm"})
    void everyInstanceMethodOfALibraryTakesTheEditsAndEveryClassStillVerifies(String jarName) throws Exception {
        File jar = TestJars.onClassPath(jarName);
        Map<String, byte[]> original = new HashMap<>();
        Map<String, byte[]> patched = new HashMap<>();
        int methods = 0;
        int fieldReads = 0;
        try (JarFile file = new JarFile(jar)) {
            for (JarEntry e : java.util.Collections.list(file.entries())) {
                String path = e.getName();
                if (!path.endsWith(".class") || path.contains("-info") || path.startsWith("META-INF/")) {
                    continue;
                }
                byte[] bytes = file.getInputStream(e).readAllBytes();
                String name = path.substring(0, path.length() - 6).replace('/', '.');
                ClassPatch patch = EveryMethodPatch.of(bytes);
                original.put(name, bytes);
                byte[] result = ClassFileRewriter.rewrite(bytes, patch);
                assertNotNull(result, name);
                new ClassReader(result).accept(new ClassWriter(0), ClassReader.EXPAND_FRAMES); // ASM's reading
                int reads = EveryMethodPatch.substitutedReads(bytes);
                assertEquals(reads, EveryMethodPatch.readerCalls(result), name + ": every read found, nothing else");
                patched.put(name, result);
                methods += patch.entryCalls().size();
                fieldReads += reads;
            }
        }
        ClassLoader parent = EntryCallPatcherRealClassesTest.class.getClassLoader();
        ClassLoader plain = new TestJars.ChildFirstClasses(original, parent);
        ClassLoader withCalls = new TestJars.ChildFirstClasses(patched, parent);
        int verified = 0;
        List<String> failures = new ArrayList<>();
        for (String name : original.keySet()) {
            String before = link(plain, name);
            String after = link(withCalls, name);
            if (before == null && after == null) {
                verified++;
            } else if (before == null || !after.equals(before)) {
                failures.add(name + ": " + after);
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " classes broken, e.g. "
                + failures.subList(0, Math.min(5, failures.size())));
        assertTrue(methods > 300 && verified > 100 && fieldReads > 100, jarName + ": " + methods + " methods, "
                + fieldReads + " field reads through the reader, " + verified + " classes verified");
        System.out.println(jarName + ": " + methods + " methods with an entry call, " + fieldReads
                + " field reads through the reader, " + verified + " classes verified");
    }

    /** Null when the class loads and links (verification included), else the error's class name. */
    private static String link(ClassLoader loader, String name) {
        try {
            Class.forName(name, false, loader).getDeclaredMethods(); // links the class, so the verifier runs
            return null;
        } catch (VerifyError | ClassFormatError e) {
            return e.toString();
        } catch (Throwable e) {
            return e.getClass().getName(); // a missing optional dependency: the same with or without the call
        }
    }
}
