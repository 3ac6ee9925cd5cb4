package dev.mcprefresh.agent.patcher;

import static dev.mcprefresh.agent.patcher.ClassBytes.u1;
import static dev.mcprefresh.agent.patcher.ClassBytes.u2;

import java.util.List;

/**
 * The field-read substitution of one class: {@code getfield} of a chosen own field becomes {@code invokestatic} of the
 * field's reader. Both instructions are 3 bytes and turn an object reference into the field's value, so no offset,
 * stack map frame, exception range or max_stack changes: only the opcode and its constant index are rewritten.
 */
final class FieldReads {
    private final List<ClassPatch.FieldRead> reads;
    /** By original constant index: the Methodref that replaces a Fieldref to a chosen field, else 0. */
    private final int[] replacement;
    /** By original constant index: which of {@link #reads} the Fieldref names. */
    private final int[] readOf;
    private final boolean[] declared;
    private final int[] substituted;

    FieldReads(ConstantPool pool, String thisClass, List<ClassPatch.FieldRead> reads, ConstantPoolAdditions additions) {
        this.reads = reads;
        this.replacement = new int[pool.count];
        this.readOf = new int[pool.count];
        this.declared = new boolean[reads.size()];
        this.substituted = new int[reads.size()];
        for (int i = 1; i < pool.count; i++) {
            for (int r = 0; r < reads.size(); r++) {
                ClassPatch.FieldRead read = reads.get(r);
                if (pool.isFieldref(i, thisClass, read.name, read.descriptor)) {
                    replacement[i] = additions.methodRef(read.readerOwner, read.readerMethod, read.readerDescriptor());
                    readOf[i] = r;
                }
            }
        }
    }

    /** Notes a field of the class as it is declared: only an instance field can be substituted. */
    void field(int access, String name, String descriptor) {
        if ((access & ClassFileRewriter.ACC_STATIC) != 0) {
            return;
        }
        for (int r = 0; r < reads.size(); r++) {
            if (reads.get(r).name.equals(name) && reads.get(r).descriptor.equals(descriptor)) {
                declared[r] = true;
            }
        }
    }

    /**
     * A copy of the {@code length} bytes of code at {@code code} in {@code b} with the chosen reads substituted, or
     * null when it reads none of the chosen fields.
     */
    byte[] substitute(byte[] b, int code, int length) {
        byte[] copy = null;
        int pc = 0;
        for (; pc < length; pc += Instructions.length(b, code, pc)) {
            if (u1(b, code + pc) != Instructions.GETFIELD) {
                continue;
            }
            int methodRef = replacement[u2(b, code + pc + 1)];
            if (methodRef == 0) {
                continue;
            }
            if (copy == null) {
                copy = java.util.Arrays.copyOfRange(b, code, code + length);
            }
            copy[pc] = (byte) Instructions.INVOKESTATIC;
            copy[pc + 1] = (byte) (methodRef >>> 8);
            copy[pc + 2] = (byte) methodRef;
            substituted[readOf[u2(b, code + pc + 1)]]++;
        }
        if (pc != length) {
            throw new IllegalArgumentException("the last instruction runs past the end of the code");
        }
        return copy;
    }

    /** Why the patch cannot apply: a chosen field missing or never read, else null. */
    String missing() {
        for (int r = 0; r < reads.size(); r++) {
            if (!declared[r]) {
                return "an instance field " + reads.get(r);
            }
            if (substituted[r] == 0) {
                return "a read of its field " + reads.get(r) + " in an instance method";
            }
        }
        return null;
    }
}
