package dev.mcprefresh.agent.patcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcprefresh.agent.bridge.McpRefreshBridge;
import dev.mcprefresh.agent.testing.TestJars;
import dev.mcprefresh.core.log.Log;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FieldReadSubstitutionTest {
    private static final String TRANSPORT = "dev/mcprefresh/agent/patcher/SyntheticTransport";
    private static final String READER = EveryMethodPatch.READER;
    private static final String HTTP_CLIENT = "Ljava/net/http/HttpClient;";
    private static final ClassPatch CLIENT_READ = ClassPatch.NONE.withFieldRead("client", HTTP_CLIENT, READER,
            "client");

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @BeforeEach
    void captureLog() {
        MarkerReads.READERS.clear();
        Log.setOutput(new PrintStream(log, true));
    }

    @AfterEach
    void restore() {
        Log.setOutput(System.err);
        McpRefreshBridge.hooks = null;
    }

    @Test
    void everyReadOfTheFieldInInstanceMethodsGoesThroughTheReaderAndTheClassVerifies() throws Exception {
        byte[] original = classBytes(TRANSPORT);
        byte[] patched = ClassPatcher.patch(TRANSPORT, original, CLIENT_READ);
        assertNotNull(patched, log.toString());
        assertEquals(original.length, patched.length - addedPoolBytes(patched, original));

        Class<?> type = load(patched);
        HttpClient own = new dev.mcprefresh.agent.testing.RecordingHttpClient();
        Object t = type.getConstructor(HttpClient.class, String.class).newInstance(own, "t");
        assertSame(own, type.getField("seenByConstructor").get(t), "the constructor reads its own field");
        assertTrue(MarkerReads.READERS.isEmpty());

        assertSame(MarkerReads.MARKER, type.getMethod("direct").invoke(t));
        for (int k : new int[] {0, 2, 9}) {
            assertSame(MarkerReads.MARKER, type.getMethod("inTableSwitch", int.class).invoke(t, k), "case " + k);
        }
        assertEquals("t", type.getMethod("inTableSwitch", int.class).invoke(t, 1));
        for (int k : new int[] {7, 0xB4, 100000}) {
            assertSame(MarkerReads.MARKER, type.getMethod("inLookupSwitch", int.class).invoke(t, k), "key " + k);
        }
        assertEquals("t", type.getMethod("inLookupSwitch", int.class).invoke(t, -1000));
        assertSame(MarkerReads.MARKER, type.getMethod("inStringSwitch", String.class).invoke(t, "a"));
        assertSame(MarkerReads.MARKER, type.getMethod("inStringSwitch", String.class).invoke(t, "z"));
        assertSame(MarkerReads.MARKER, type.getMethod("inTry", boolean.class).invoke(t, false));
        assertSame(MarkerReads.MARKER, type.getMethod("inTry", boolean.class).invoke(t, true));
        assertEquals(2, type.getField("finallyRuns").get(t));
        assertSame(MarkerReads.MARKER, ((Supplier<?>) type.getMethod("inLambda").invoke(t)).get());
        assertSame(MarkerReads.MARKER, ((Callable<?>) type.getMethod("inNestedLambda").invoke(t)).call());
        assertSame(MarkerReads.MARKER, type.getMethod("inLoop", long.class, double.class).invoke(t, 1L, 1.0));
        assertSame(MarkerReads.MARKER, type.getMethod("build").invoke(t));
        assertSame(own, type.getMethod("readStatically", type).invoke(null, t), "static methods are left alone");

        for (Object reader : MarkerReads.READERS) {
            assertSame(t, reader, "the reader is given the object the field was read from");
        }
        assertEquals(0, getfields(patched, true), "no read of the field is left in an instance method");
        assertEquals(getfields(original, true), EveryMethodPatch.readerCalls(patched));
        assertEquals(2, getfields(patched, false), "the constructor's and the static method's reads stay");
        assertEquals("", log.toString().replaceAll("(?m)^.*DEBUG.*\\R", ""));
    }

    @Test
    void anEntryCallAndFieldReadsApplyToTheSameMethod() throws Exception {
        ClassPatch both = ClassPatch.entryCalls(Map.of("build()" + HTTP_CLIENT, "beforeBuild"))
                .withFieldRead("client", HTTP_CLIENT, READER, "client");
        byte[] patched = ClassPatcher.patch(TRANSPORT, classBytes(TRANSPORT), both);
        assertNotNull(patched, log.toString());
        Class<?> type = load(patched);
        Object t = type.getConstructor(HttpClient.class, String.class).newInstance(new dev.mcprefresh.agent.testing.RecordingHttpClient(), "t");
        List<Object> hooked = new ArrayList<>();
        McpRefreshBridge.hooks = dev.mcprefresh.agent.testing.RecordingHooks.entries(hooked::add);

        assertSame(MarkerReads.MARKER, type.getMethod("build").invoke(t));
        assertEquals(List.of(t), hooked, "the entry call ran first");
        assertEquals(List.of(t), MarkerReads.READERS, "then the method read its field through the reader");
        assertSame(MarkerReads.MARKER, type.getMethod("inTry", boolean.class).invoke(t, true));
        assertEquals(1, hooked.size(), "other methods get no entry call");
    }

    @Test
    void aFieldThatIsMissingStaticOrNeverReadLeavesTheClassAloneWithOneLineEach() throws Exception {
        byte[] transport = classBytes(TRANSPORT);
        assertNull(ClassPatcher.patch(TRANSPORT, transport,
                ClassPatch.NONE.withFieldRead("httpClient", HTTP_CLIENT, READER, "client")));
        assertNull(ClassPatcher.patch(TRANSPORT, transport,
                ClassPatch.NONE.withFieldRead("client", "Ljava/lang/Object;", READER, "object")));
        assertNull(ClassPatcher.patch(TRANSPORT, transport,
                ClassPatch.NONE.withFieldRead("seenByConstructor", HTTP_CLIENT, READER, "client")));
        assertNull(ClassPatcher.patch(READER, classBytes(READER),
                ClassPatch.NONE.withFieldRead("MARKER", HTTP_CLIENT, READER, "client")));
        assertNull(ClassPatcher.patch(TRANSPORT, transport, CLIENT_READ.withFieldRead("name", "Ljava/lang/String;",
                READER, "client").withFieldRead("finallyRuns", "J", READER, "client")));

        assertThrows(IllegalArgumentException.class, () -> CLIENT_READ.withFieldRead("client", HTTP_CLIENT, READER,
                "another"), "one reader per field");

        String[] lines = log.toString().split("\n");
        assertEquals(5, lines.length, log.toString());
        String skipped = "[mcp-refresh] WARN skipping dev.mcprefresh.agent.patcher.";
        assertTrue(lines[0].startsWith(skipped + "SyntheticTransport: it lacks an instance field httpClient:"),
                lines[0]);
        assertTrue(lines[1].contains("it lacks an instance field client:Ljava/lang/Object;"), lines[1]);
        assertTrue(lines[2].contains("it lacks a read of its field seenByConstructor:"), lines[2]);
        assertTrue(lines[3].startsWith(skipped + "MarkerReads: it lacks an instance field MARKER:"), lines[3]);
        assertTrue(lines[4].contains("it lacks an instance field finallyRuns:J"), lines[4]);
    }

    @Test
    void aClassFileNewerThanTheNewestTestedVersionIsRefusedWithOneLine() throws Exception {
        byte[] bytes = classBytes(TRANSPORT);
        bytes[6] = 0;
        bytes[7] = (byte) ClassPatcher.NEWEST_TESTED_MAJOR_VERSION;
        assertNotNull(ClassPatcher.patch(TRANSPORT, bytes, CLIENT_READ), "the newest tested version is patched");
        bytes[7] = (byte) (ClassPatcher.NEWEST_TESTED_MAJOR_VERSION + 1);
        assertNull(ClassPatcher.patch(TRANSPORT, bytes, CLIENT_READ));
        assertEquals(69, ClassPatcher.NEWEST_TESTED_MAJOR_VERSION, "Java 25, the newest JDK the tests ran on");

        String[] lines = log.toString().replaceAll("(?m)^.*DEBUG.*\\R", "").split("\n");
        assertEquals(1, lines.length, log.toString());
        assertEquals("[mcp-refresh] WARN skipping dev.mcprefresh.agent.patcher.SyntheticTransport: its class file"
                + " version 70 is newer than 69 (Java 25), the newest the patcher was tested on; it is left as it is",
                lines[0]);
    }

    /**
     * Operand bytes that spell {@code getfield <the field>} (a lookupswitch key and a tableswitch bound equal to
     * 0x00B4 followed by the Fieldref's index, a wide iinc by 0xB4) are not instructions: only the real getfield is
     * substituted, and the switches still dispatch on their keys.
     */
    @Test
    void operandBytesThatLookLikeTheReadAreNotTakenForIt() throws Exception {
        int fieldref = trapFieldref(trapClass(0));
        int key = 0xB4 << 16 | fieldref;
        byte[] trap = trapClass(key);
        assertEquals(fieldref, trapFieldref(trap), "the constant pool keeps its order");
        byte[] patched = ClassPatcher.patch("Trap", trap,
                ClassPatch.NONE.withFieldRead("value", "Ljava/lang/Object;", READER, "object"));
        assertNotNull(patched, log.toString());
        assertEquals(2, EveryMethodPatch.readerCalls(patched), "the two real reads, one per method");

        Class<?> type = new TestJars.ChildFirstClasses(Map.of("Trap", patched), getClass().getClassLoader())
                .loadClass("Trap");
        Object t = type.getConstructor().newInstance();
        assertSame(MarkerReads.MARKER, type.getMethod("lookup", int.class).invoke(t, key));
        assertEquals(-1, type.getMethod("lookup", int.class).invoke(t, 5));
        assertSame(MarkerReads.MARKER, type.getMethod("table", int.class).invoke(t, key));
        assertEquals(0xB4 + 1, type.getMethod("table", int.class).invoke(t, 5));
    }

    /** A class Trap with an Object field value and two switches whose keys are {@code key}. */
    private static byte[] trapClass(int key) {
        ClassWriter w = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS);
        w.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, "Trap", null, "java/lang/Object", null);
        w.visitField(Opcodes.ACC_PRIVATE | Opcodes.ACC_FINAL, "value", "Ljava/lang/Object;", null, null).visitEnd();
        MethodVisitor init = w.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
        init.visitCode();
        init.visitVarInsn(Opcodes.ALOAD, 0);
        init.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        init.visitVarInsn(Opcodes.ALOAD, 0);
        init.visitLdcInsn("own");
        init.visitFieldInsn(Opcodes.PUTFIELD, "Trap", "value", "Ljava/lang/Object;");
        init.visitInsn(Opcodes.RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();

        MethodVisitor lookup = w.visitMethod(Opcodes.ACC_PUBLIC, "lookup", "(I)Ljava/lang/Object;", null, null);
        lookup.visitCode();
        Label hit = new Label();
        Label miss = new Label();
        lookup.visitVarInsn(Opcodes.ILOAD, 1);
        lookup.visitLookupSwitchInsn(miss, new int[] {key}, new Label[] {hit});
        lookup.visitLabel(hit);
        lookup.visitVarInsn(Opcodes.ALOAD, 0);
        lookup.visitFieldInsn(Opcodes.GETFIELD, "Trap", "value", "Ljava/lang/Object;");
        lookup.visitInsn(Opcodes.ARETURN);
        lookup.visitLabel(miss);
        lookup.visitInsn(Opcodes.ICONST_M1);
        lookup.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Integer", "valueOf", "(I)Ljava/lang/Integer;", false);
        lookup.visitInsn(Opcodes.ARETURN);
        lookup.visitMaxs(0, 0);
        lookup.visitEnd();

        MethodVisitor table = w.visitMethod(Opcodes.ACC_PUBLIC, "table", "(I)Ljava/lang/Object;", null, null);
        table.visitCode();
        table.visitInsn(Opcodes.NOP); // moves the switch's padding
        table.visitInsn(Opcodes.ICONST_1);
        table.visitVarInsn(Opcodes.ISTORE, 300); // wide istore
        table.visitIincInsn(300, 0xB4); // wide iinc: the increment's bytes are 00 B4
        table.visitVarInsn(Opcodes.ILOAD, 1);
        Label found = new Label();
        Label other = new Label();
        table.visitTableSwitchInsn(key, key, other, found);
        table.visitLabel(found);
        table.visitVarInsn(Opcodes.ALOAD, 0);
        table.visitFieldInsn(Opcodes.GETFIELD, "Trap", "value", "Ljava/lang/Object;");
        table.visitInsn(Opcodes.ARETURN);
        table.visitLabel(other);
        table.visitVarInsn(Opcodes.ILOAD, 300);
        table.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Integer", "valueOf", "(I)Ljava/lang/Integer;", false);
        table.visitInsn(Opcodes.ARETURN);
        table.visitMaxs(0, 0);
        table.visitEnd();
        w.visitEnd();
        return w.toByteArray();
    }

    private static int trapFieldref(byte[] bytes) {
        ConstantPool pool = new ConstantPool(bytes);
        for (int i = 1; i < pool.count; i++) {
            if (pool.isFieldref(i, "Trap", "value", "Ljava/lang/Object;")) {
                return i;
            }
        }
        throw new AssertionError("no Fieldref");
    }

    private static Class<?> load(byte[] patched) throws ClassNotFoundException {
        String name = TRANSPORT.replace('/', '.');
        ClassLoader loader = new TestJars.ChildFirstClasses(Map.of(name, patched),
                FieldReadSubstitutionTest.class.getClassLoader());
        Class<?> type = Class.forName(name, true, loader);
        type.getDeclaredMethods(); // linked: the verifier has checked the patched bytes
        return type;
    }

    static byte[] classBytes(String internalName) throws Exception {
        try (InputStream in = FieldReadSubstitutionTest.class.getResourceAsStream("/" + internalName + ".class")) {
            return in.readAllBytes();
        }
    }

    /** The bytes the patch appended to the constant pool (the code itself keeps its length). */
    private static int addedPoolBytes(byte[] patched, byte[] original) {
        return new ConstantPool(patched).end - new ConstantPool(original).end;
    }

    /** getfield of the transport's client: in instance methods other than constructors, or in the others. */
    private static int getfields(byte[] bytes, boolean inInstanceMethods) {
        int[] count = {0};
        new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                boolean instance = (access & Opcodes.ACC_STATIC) == 0 && !name.equals("<init>");
                return instance != inInstanceMethods ? null : new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitFieldInsn(int opcode, String owner, String field, String type) {
                        if (opcode == Opcodes.GETFIELD && field.equals("client")) {
                            count[0]++;
                        }
                    }
                };
            }
        }, 0);
        return count[0];
    }
}
