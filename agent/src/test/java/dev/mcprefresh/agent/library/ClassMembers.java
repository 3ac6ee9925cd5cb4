package dev.mcprefresh.agent.library;

import java.util.HashSet;
import java.util.Set;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.FieldVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * A class's instance members with code, and its instance fields, as a library table names them, read from its class file (ASM, a test-only reference):
 * methods as name + descriptor, fields as name:descriptor. Used to hold tables against the classes they name.
 */
final class ClassMembers {
    final Set<String> methods = new HashSet<>();
    final Set<String> fields = new HashSet<>();

    private ClassMembers() {
    }

    static ClassMembers of(byte[] classFile) {
        ClassMembers m = new ClassMembers();
        new ClassReader(classFile).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                if ((access & (Opcodes.ACC_STATIC | Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) == 0) {
                    m.methods.add(name + descriptor); // the patcher needs code to put the call in front of
                }
                return null;
            }

            @Override
            public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
                if ((access & Opcodes.ACC_STATIC) == 0) {
                    m.fields.add(name + ":" + descriptor);
                }
                return null;
            }
        }, ClassReader.SKIP_CODE);
        return m;
    }

    /**
     * What {@code edits} names that this class lacks: an entry-call method (of alternatives {@code a|b}, all missing),
     * a field read or a writable field. Empty when the patcher would take the class.
     */
    java.util.List<String> missing(String type, ClassEdits edits) {
        java.util.List<String> problems = new java.util.ArrayList<>();
        for (String method : edits.entryCalls().keySet()) {
            if (java.util.Arrays.stream(method.split("\\|")).noneMatch(methods::contains)) {
                problems.add(type + " has no method " + method);
            }
        }
        Set<String> named = new HashSet<>(edits.fieldReads().keySet());
        named.addAll(edits.writableFields());
        for (String field : named) {
            if (!fields.contains(field)) {
                problems.add(type + " has no field " + field);
            }
        }
        return problems;
    }
}
