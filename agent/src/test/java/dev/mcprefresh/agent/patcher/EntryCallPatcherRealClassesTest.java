package dev.mcprefresh.agent.patcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcprefresh.agent.testing.TestJars;
import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The patcher against real-world bytecode: every instance method of every class of a library gets the entry call and
 * every read of the class's own reference-typed instance fields in those methods goes through a static reader; then
 * the JVM's verifier checks each patched class (switches, exception tables, uninitialized-object frames, long methods:
 * whatever javac, kotlinc and other compilers wrote there) and ASM reads it back as a second opinion. Run on the
 * newest JDK the patcher claims ({@link ClassPatcher#NEWEST_TESTED_MAJOR_VERSION}), the JDK's own HTTP client gives
 * class files of that version.
 */
class EntryCallPatcherRealClassesTest {
    private static final String JDK_HTTP_CLIENT = "jrt:java.net.http";

    @ParameterizedTest
    @ValueSource(strings = {"mcp-core", "reactor-core", "jackson-databind", "byte-buddy-1", "kotlin-stdlib-2",
            "kotlinx-coroutines-core-jvm", "ktor-client-core-jvm", JDK_HTTP_CLIENT})
    void everyInstanceMethodOfALibraryTakesTheEditsAndEveryClassStillVerifies(String library) throws Exception {
        Map<String, byte[]> original = classFiles(library);
        Map<String, byte[]> patched = new HashMap<>();
        int methods = 0;
        int fieldReads = 0;
        for (Map.Entry<String, byte[]> e : original.entrySet()) {
            String name = e.getKey();
            byte[] bytes = e.getValue();
            ClassPatch patch = EveryMethodPatch.of(bytes);
            byte[] result = ClassFileRewriter.rewrite(bytes, patch);
            assertNotNull(result, name);
            new ClassReader(result).accept(new ClassWriter(0), ClassReader.EXPAND_FRAMES); // ASM's reading
            int reads = EveryMethodPatch.substitutedReads(bytes);
            assertEquals(reads, EveryMethodPatch.readerCalls(result), name + ": every read found, nothing else");
            patched.put(name, result);
            methods += patch.entryCalls().size();
            fieldReads += reads;
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
        assertTrue(methods > 300 && verified > 100 && fieldReads > 100, library + ": " + methods + " methods, "
                + fieldReads + " field reads through the reader, " + verified + " classes verified");
        System.out.println(library + ": " + methods + " methods with an entry call, " + fieldReads
                + " field reads through the reader, " + verified + " classes verified");
    }

    /**
     * The class files of a jar on the test class path (by the start of its file name), or of the running JDK's HTTP
     * client: its implementation classes have the running JDK's class-file version (69 on Java 25), and jdk.* packages
     * may be defined by a test loader where java.* may not.
     */
    private static Map<String, byte[]> classFiles(String library) throws IOException {
        Map<String, byte[]> classes = new HashMap<>();
        if (library.equals(JDK_HTTP_CLIENT)) {
            Path module = FileSystems.getFileSystem(URI.create("jrt:/")).getPath("/modules/java.net.http");
            try (Stream<Path> files = Files.walk(module)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    String path = module.relativize(f).toString();
                    if (path.startsWith("jdk/") && path.endsWith(".class")) {
                        classes.put(path.substring(0, path.length() - 6).replace('/', '.'), Files.readAllBytes(f));
                    }
                }
            }
            return classes;
        }
        try (JarFile file = new JarFile(TestJars.onClassPath(library))) {
            for (JarEntry e : Collections.list(file.entries())) {
                String path = e.getName();
                if (path.endsWith(".class") && !path.contains("-info") && !path.startsWith("META-INF/")) {
                    classes.put(path.substring(0, path.length() - 6).replace('/', '.'),
                            file.getInputStream(e).readAllBytes());
                }
            }
        }
        return classes;
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
