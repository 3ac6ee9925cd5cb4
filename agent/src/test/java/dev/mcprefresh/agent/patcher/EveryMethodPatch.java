package dev.mcprefresh.agent.patcher;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.FieldVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * The largest patch a class can take, for the real-classes tests: an entry call in every instance method, and every
 * reference-typed instance field the class reads in its instance methods read through {@link MarkerReads}.
 */
final class EveryMethodPatch {
    static final String READER = "dev/mcprefresh/agent/patcher/MarkerReads";
    private EveryMethodPatch() {
    }

    static ClassPatch of(byte[] bytes) {
        ClassPatch patch = ClassPatch.entryCalls(instanceMethods(bytes));
        for (String field : readInstanceFields(bytes)) {
            int colon = field.indexOf(':');
            // The reader is never called here (its descriptor differs per field): the tests link, they do not run.
            patch = patch.withFieldRead(field.substring(0, colon), field.substring(colon + 1),
                    READER, "read");
        }
        return patch;
    }

    /** The patched class file. */
    static byte[] apply(byte[] bytes) throws UnexpectedShape {
        return ClassFileRewriter.rewrite(bytes, of(bytes));
    }

    /** The getfield instructions {@link #of} substitutes: reads of the chosen fields in instance methods. */
    static int substitutedReads(byte[] bytes) {
        Set<String> fields = readInstanceFields(bytes);
        int[] count = {0};
        ClassReader reader = new ClassReader(bytes);
        String self = reader.getClassName();
        reader.accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                if ((access & Opcodes.ACC_STATIC) != 0 || name.equals("<init>")) {
                    return null;
                }
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitFieldInsn(int opcode, String owner, String field, String type) {
                        if (opcode == Opcodes.GETFIELD && owner.equals(self) && fields.contains(field + ':' + type)) {
                            count[0]++;
                        }
                    }
                };
            }
        }, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        return count[0];
    }

    /** The calls of the reader in a patched class, as ASM decodes its instructions. */
    static int readerCalls(byte[] bytes) {
        int[] count = {0};
        new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String method, String type, boolean itf) {
                        if (opcode == Opcodes.INVOKESTATIC && owner.equals(READER)) {
                            count[0]++;
                        }
                    }
                };
            }
        }, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        return count[0];
    }

    /** name:descriptor of the class's own reference-typed instance fields read in its instance methods. */
    private static Set<String> readInstanceFields(byte[] bytes) {
        Set<String> declared = new HashSet<>();
        Set<String> read = new TreeSet<>();
        ClassReader reader = new ClassReader(bytes);
        String self = reader.getClassName();
        reader.accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public FieldVisitor visitField(int access, String name, String descriptor, String signature,
                    Object value) {
                if ((access & Opcodes.ACC_STATIC) == 0 && (descriptor.startsWith("L") || descriptor.startsWith("["))) {
                    declared.add(name + ':' + descriptor);
                }
                return null;
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                if ((access & Opcodes.ACC_STATIC) != 0 || name.equals("<init>")) {
                    return null;
                }
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitFieldInsn(int opcode, String owner, String field, String type) {
                        if (opcode == Opcodes.GETFIELD && owner.equals(self)) {
                            read.add(field + ':' + type);
                        }
                    }
                };
            }
        }, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        read.retainAll(declared);
        return read;
    }

    private static Map<String, String> instanceMethods(byte[] bytes) {
        Map<String, String> targets = new HashMap<>();
        new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                if ((access & (Opcodes.ACC_STATIC | Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) == 0
                        && !name.equals("<init>")) {
                    targets.put(name + descriptor, "beforeBuild");
                }
                return null;
            }
        }, ClassReader.SKIP_CODE);
        return targets;
    }
}
