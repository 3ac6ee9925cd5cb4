package dev.mcprefresh.agent.patcher;

import static dev.mcprefresh.agent.patcher.ClassBytes.u1;
import static dev.mcprefresh.agent.patcher.ClassBytes.u2;
import static dev.mcprefresh.agent.patcher.ClassBytes.u4;

/**
 * Writes a method's Code attribute with {@link EntryCallCode} in front of the original instructions (JVMS 4.7.3).
 * The original bytes move by {@link EntryCallCode#LENGTH} unchanged (branch offsets are relative, switch padding is
 * kept); what holds absolute offsets is shifted: the exception table, the stack map frames (the first frame's delta
 * and the offsets of uninitialized objects), line numbers and local variable ranges. Type annotations on code are
 * dropped (they hold offsets and nothing at run time reads them); so is any attribute the JVMS does not define here.
 */
final class ShiftedCode {
    private static final int SHIFT = EntryCallCode.LENGTH;

    private final byte[] b;
    private final ConstantPool pool;
    private final EntryCallCode entry;

    ShiftedCode(byte[] classBytes, ConstantPool pool, EntryCallCode entry) {
        this.b = classBytes;
        this.pool = pool;
        this.entry = entry;
    }

    /**
     * Writes the Code attribute that starts at {@code at} (its name index) with the call to {@code bridgeMethod} in
     * front of {@code instructions} (the original code, or a same-length copy with field reads substituted).
     */
    void write(int at, String bridgeMethod, byte[] instructions, int from, ClassBytes out) {
        int maxStack = u2(b, at + 6);
        int maxLocals = u2(b, at + 8);
        int codeLength = u4(b, at + 10);
        int code = at + 14;
        if (codeLength + SHIFT > 0xFFFF) {
            throw new IllegalArgumentException("the method is too long to take the call");
        }
        out.u2(u2(b, at));
        int lengthAt = out.size();
        out.u4(0).u2(Math.max(maxStack, EntryCallCode.MAX_STACK)).u2(maxLocals).u4(codeLength + SHIFT);
        entry.write(out, bridgeMethod);
        out.bytes(instructions, from, codeLength);

        int table = code + codeLength;
        int handlers = u2(b, table);
        out.u2(handlers + 1).u2(0).u2(EntryCallCode.TRY_END).u2(EntryCallCode.HANDLER).u2(entry.throwableClass);
        for (int i = 0, e = table + 2; i < handlers; i++, e += 8) {
            out.u2(u2(b, e) + SHIFT).u2(u2(b, e + 2) + SHIFT).u2(u2(b, e + 4) + SHIFT).u2(u2(b, e + 6));
        }

        int attributes = table + 2 + 8 * handlers;
        int count = u2(b, attributes);
        int countAt = out.size();
        out.u2(0);
        int written = 0;
        boolean frames = false;
        for (int i = 0, a = attributes + 2; i < count; i++, a += 6 + u4(b, a + 2)) {
            String name = pool.utf8(u2(b, a));
            if (name.equals("StackMapTable")) {
                stackMapTable(a, out);
                frames = true;
            } else if (name.equals("LineNumberTable")) {
                lineNumbers(a, out);
            } else if (name.equals("LocalVariableTable") || name.equals("LocalVariableTypeTable")) {
                localVariables(a, out);
            } else {
                continue;
            }
            written++;
        }
        if (!frames) {
            out.u2(entry.stackMapTableName).u4(2 + 4 + 1).u2(2); // count, the two frames below
            entryFrames(out, true);
            written++;
        }
        out.putU2(countAt, written);
        out.putU4(lengthAt, out.size() - lengthAt - 4);
    }

    /**
     * The handler's frame (the entry locals and a Throwable) and, unless the original code has a frame at its first
     * instruction, a frame there with the entry locals: the goto over the handler lands on it.
     */
    private void entryFrames(ClassBytes out, boolean originalStartNeedsFrame) {
        out.u1(64 + EntryCallCode.HANDLER).u1(7).u2(entry.throwableClass); // same_locals_1_stack_item
        if (originalStartNeedsFrame) {
            out.u1(SHIFT - EntryCallCode.HANDLER - 1); // same_frame
        }
    }

    private void stackMapTable(int at, ClassBytes out) {
        out.u2(u2(b, at));
        int lengthAt = out.size();
        out.u4(0);
        int count = u2(b, at + 6);
        int p = at + 8;
        if (count == 0) {
            out.u2(2);
            entryFrames(out, true);
        } else {
            int firstDelta = delta(p);
            boolean frameAtStart = firstDelta == 0;
            out.u2(count + (frameAtStart ? 1 : 2));
            entryFrames(out, !frameAtStart);
            // The first frame's delta was its offset; it now counts from the frame just written, one byte before.
            p = frame(p, frameAtStart ? SHIFT - EntryCallCode.HANDLER - 1 : firstDelta - 1, out);
            for (int i = 1; i < count; i++) {
                p = frame(p, delta(p), out);
            }
        }
        out.putU4(lengthAt, out.size() - lengthAt - 4);
    }

    private int delta(int p) {
        int type = u1(b, p);
        if (type < 64) {
            return type;
        }
        if (type < 128) {
            return type - 64;
        }
        if (type < 247) {
            throw new IllegalArgumentException("reserved stack map frame type " + type);
        }
        return u2(b, p + 1);
    }

    /** Copies the frame at {@code p} with the given delta (types 0-127 must still fit it); returns the next frame. */
    private int frame(int p, int delta, ClassBytes out) {
        int type = u1(b, p);
        if (type < 64) {
            out.u1(delta);
            return p + 1;
        }
        if (type < 128) {
            out.u1(64 + delta);
            return typeInfo(p + 1, out);
        }
        out.u1(type).u2(delta);
        p += 3;
        if (type == 247) {
            return typeInfo(p, out);
        }
        if (type <= 251) {
            return p;
        }
        if (type < 255) {
            for (int i = 0; i < type - 251; i++) {
                p = typeInfo(p, out);
            }
            return p;
        }
        for (int list = 0; list < 2; list++) { // full_frame: locals, then stack
            int n = u2(b, p);
            out.u2(n);
            p += 2;
            for (int i = 0; i < n; i++) {
                p = typeInfo(p, out);
            }
        }
        return p;
    }

    private int typeInfo(int p, ClassBytes out) {
        int tag = u1(b, p);
        out.u1(tag);
        if (tag == 7) {
            out.u2(u2(b, p + 1));
            return p + 3;
        }
        if (tag == 8) { // Uninitialized: the offset of its new instruction
            out.u2(u2(b, p + 1) + SHIFT);
            return p + 3;
        }
        if (tag > 8) {
            throw new IllegalArgumentException("unknown verification type " + tag);
        }
        return p + 1;
    }

    private void lineNumbers(int at, ClassBytes out) {
        int count = u2(b, at + 6);
        out.u2(u2(b, at)).u4(2 + 4 * count).u2(count);
        for (int i = 0, e = at + 8; i < count; i++, e += 4) {
            out.u2(u2(b, e) + SHIFT).u2(u2(b, e + 2));
        }
    }

    private void localVariables(int at, ClassBytes out) {
        int count = u2(b, at + 6);
        out.u2(u2(b, at)).u4(2 + 10 * count).u2(count);
        for (int i = 0, e = at + 8; i < count; i++, e += 10) {
            int start = u2(b, e);
            int length = u2(b, e + 2);
            if (start == 0) { // still live from the method's entry, now that the entry code comes first
                out.u2(0).u2(length + SHIFT);
            } else {
                out.u2(start + SHIFT).u2(length);
            }
            out.u2(u2(b, e + 4)).u2(u2(b, e + 6)).u2(u2(b, e + 8));
        }
    }
}
