package dev.mcprefresh.agent.library;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcprefresh.core.session.CredentialsRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;

/**
 * No reflective write of a final field anywhere in the agent (JEP 500: a warning from JDK 26, an error later, which
 * fail-open would hide). Every compiled class of the agent and of core is read: the only call that writes a field
 * reflectively is {@link LibraryField#set}, which refuses a final one, and nothing reaches a field setter through
 * method handles, var handles or Unsafe.
 */
class FinalFieldWritesTest {
    private static final String ALLOWED = "dev/mcprefresh/agent/library/LibraryField";
    private static final Set<String> FIELD_SETTERS = Set.of("set", "setBoolean", "setByte", "setChar", "setShort",
            "setInt", "setLong", "setFloat", "setDouble");
    private static final Set<String> HANDLE_SETTERS = Set.of("unreflectSetter", "findSetter", "unreflectVarHandle",
            "findVarHandle", "findStaticSetter", "findStaticVarHandle");

    @Test
    void noClassOfTheAgentOrCoreWritesAFieldReflectivelyExceptLibraryField() throws Exception {
        List<String> writes = new ArrayList<>();
        int classes = 0;
        for (Class<?> anchor : new Class<?>[] {LibraryField.class, CredentialsRegistry.class}) {
            for (byte[] bytes : classesBeside(anchor)) {
                classes++;
                writes.addAll(fieldWrites(bytes));
            }
        }
        assertTrue(classes > 150, "the agent's and core's classes were read: " + classes);
        assertEquals(List.of(ALLOWED + ".set -> java/lang/reflect/Field.set"), writes);
    }

    @Test
    void libraryFieldRefusesAFinalFieldAndLeavesItsValue() throws Exception {
        Holder holder = new Holder();
        LibraryField fixed = LibraryField.find(Holder.class, "java.lang.String", "fixed");
        assertNotNull(fixed);
        assertTrue(!fixed.writable());
        assertThrows(IllegalStateException.class, () -> fixed.set(holder, "changed"));
        assertEquals("original", holder.fixed);
        LibraryField open = LibraryField.find(Holder.class, "java.lang.String", "open");
        open.set(holder, "changed");
        assertEquals("changed", holder.open);
    }

    @Test
    void theScanSeesAWriteWhereOneIs() throws Exception {
        try (InputStream in = Holder.class.getResourceAsStream("FinalFieldWritesTest$Writer.class")) {
            assertEquals(1, fieldWrites(in.readAllBytes()).size(), "a class that calls Field.set is reported");
        }
    }

    private static final class Holder {
        private final String fixed = new String("original");
        private String open = "original";
    }

    /** What the scan must catch. */
    private static final class Writer {
        @SuppressWarnings("unused")
        static void write(java.lang.reflect.Field f, Object o) throws IllegalAccessException {
            f.set(o, null);
        }
    }

    /** "owner.method -> target" for every call that may write a field reflectively. */
    private static List<String> fieldWrites(byte[] bytes) {
        List<String> found = new ArrayList<>();
        ClassReader reader = new ClassReader(bytes);
        String owner = reader.getClassName();
        reader.accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitMethodInsn(int opcode, String target, String method, String desc, boolean itf) {
                        boolean fieldSet = target.equals("java/lang/reflect/Field") && FIELD_SETTERS.contains(method);
                        boolean handle = target.equals("java/lang/invoke/MethodHandles$Lookup")
                                && HANDLE_SETTERS.contains(method);
                        boolean unsafe = target.endsWith("/Unsafe") && method.startsWith("put");
                        if (fieldSet || handle || unsafe) {
                            found.add(owner + "." + name + " -> " + target + "." + method);
                        }
                    }
                };
            }
        }, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        return found;
    }

    /** The class files of the directory or jar that holds {@code anchor}. */
    private static List<byte[]> classesBeside(Class<?> anchor) throws IOException, URISyntaxException {
        Path where = Paths.get(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<byte[]> out = new ArrayList<>();
        if (Files.isDirectory(where)) {
            try (Stream<Path> files = Files.walk(where)) {
                for (Path p : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
                    out.add(Files.readAllBytes(p));
                }
            }
        } else {
            try (JarFile jar = new JarFile(where.toFile())) {
                for (JarEntry e : java.util.Collections.list(jar.entries())) {
                    if (e.getName().endsWith(".class") && !e.getName().startsWith("META-INF/")) {
                        try (InputStream in = jar.getInputStream(e)) {
                            out.add(in.readAllBytes());
                        }
                    }
                }
            }
        }
        return out;
    }
}
