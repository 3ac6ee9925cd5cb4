package dev.mcprefresh.agent.patcher;

import java.nio.charset.StandardCharsets;

/** Where each constant of a class file starts, so names can be read and the pool copied whole (JVMS 4.4). */
final class ConstantPool {
    static final int FIRST = 10; // after magic, minor, major and the count

    final byte[] bytes;
    /** Slots used, as the class file counts them (long and double take two). */
    final int count;
    /** Offset of the first byte after the pool. */
    final int end;
    private final int[] offsets;

    ConstantPool(byte[] bytes) {
        this.bytes = bytes;
        this.count = ClassBytes.u2(bytes, 8);
        this.offsets = new int[count];
        int at = FIRST;
        for (int i = 1; i < count; i++) {
            offsets[i] = at;
            int tag = bytes[at] & 0xFF;
            at += 1 + entryLength(tag, at);
            if (tag == 5 || tag == 6) {
                i++; // long and double take two slots
            }
        }
        this.end = at;
    }

    private int entryLength(int tag, int at) {
        switch (tag) {
            case 1: return 2 + ClassBytes.u2(bytes, at + 1); // Utf8
            case 7: case 8: case 16: case 19: case 20: return 2; // Class, String, MethodType, Module, Package
            case 15: return 3; // MethodHandle
            case 3: case 4: case 9: case 10: case 11: case 12: case 17: case 18: return 4;
            case 5: case 6: return 8; // Long, Double
            default: throw new IllegalArgumentException("unknown constant pool tag " + tag);
        }
    }

    /** The name of the Class constant at {@code index}, internal form. */
    String className(int index) {
        return utf8(ClassBytes.u2(bytes, entry(index, 7) + 1));
    }

    /** Whether the constant at {@code index} is a Fieldref to {@code owner.name:descriptor}. */
    boolean isFieldref(int index, String owner, String name, String descriptor) {
        if (bytes[offsets[index]] != 9) {
            return false;
        }
        int at = offsets[index];
        int nameAndType = entry(ClassBytes.u2(bytes, at + 3), 12);
        return utf8(ClassBytes.u2(bytes, nameAndType + 1)).equals(name)
                && utf8(ClassBytes.u2(bytes, nameAndType + 3)).equals(descriptor)
                && className(ClassBytes.u2(bytes, at + 1)).equals(owner);
    }

    private int entry(int index, int tag) {
        if (index <= 0 || index >= count || bytes[offsets[index]] != tag) {
            throw new IllegalArgumentException("constant " + index + " is not of tag " + tag);
        }
        return offsets[index];
    }

    /**
     * The Utf8 constant at {@code index} read as Latin-1: exact for ASCII, and never equal to an ASCII string
     * otherwise, which is all the matching of member names needs.
     */
    String utf8(int index) {
        int at = entry(index, 1);
        return new String(bytes, at + 3, ClassBytes.u2(bytes, at + 1), StandardCharsets.ISO_8859_1);
    }
}
