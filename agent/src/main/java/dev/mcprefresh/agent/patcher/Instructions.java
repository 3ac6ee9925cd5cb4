package dev.mcprefresh.agent.patcher;

import static dev.mcprefresh.agent.patcher.ClassBytes.u1;
import static dev.mcprefresh.agent.patcher.ClassBytes.u4;

/**
 * The length of each JVM instruction (JVMS 6.5), so code is walked one instruction at a time: a byte that looks like an
 * opcode inside another instruction's operands (a switch key, a constant index) is never taken for one.
 */
final class Instructions {
    static final int GETFIELD = 0xB4;
    static final int INVOKESTATIC = 0xB8;

    private static final int TABLESWITCH = 0xAA;
    private static final int LOOKUPSWITCH = 0xAB;
    private static final int WIDE = 0xC4;
    private static final int IINC = 0x84;

    /** Length of the fixed-size instructions by opcode; 0 for the variable ones and for opcodes no class file holds. */
    private static final byte[] FIXED = new byte[256];

    static {
        fill(0x00, 0x0F, 1); // nop, constants
        fill(0x10, 0x10, 2); // bipush
        fill(0x11, 0x11, 3); // sipush
        fill(0x12, 0x12, 2); // ldc
        fill(0x13, 0x14, 3); // ldc_w, ldc2_w
        fill(0x15, 0x19, 2); // loads with an index
        fill(0x1A, 0x35, 1); // loads of locals 0-3, array loads
        fill(0x36, 0x3A, 2); // stores with an index
        fill(0x3B, 0x83, 1); // stores of locals 0-3, array stores, stack, arithmetic
        fill(0x84, 0x84, 3); // iinc
        fill(0x85, 0x98, 1); // conversions, comparisons
        fill(0x99, 0xA8, 3); // conditional branches, goto, jsr
        fill(0xA9, 0xA9, 2); // ret
        fill(0xAC, 0xB1, 1); // returns
        fill(0xB2, 0xB8, 3); // field access, invokevirtual, invokespecial, invokestatic
        fill(0xB9, 0xBA, 5); // invokeinterface, invokedynamic
        fill(0xBB, 0xBB, 3); // new
        fill(0xBC, 0xBC, 2); // newarray
        fill(0xBD, 0xBD, 3); // anewarray
        fill(0xBE, 0xBF, 1); // arraylength, athrow
        fill(0xC0, 0xC1, 3); // checkcast, instanceof
        fill(0xC2, 0xC3, 1); // monitorenter, monitorexit
        fill(0xC5, 0xC5, 4); // multianewarray
        fill(0xC6, 0xC7, 3); // ifnull, ifnonnull
        fill(0xC8, 0xC9, 5); // goto_w, jsr_w
    }

    private Instructions() {
    }

    private static void fill(int from, int to, int length) {
        for (int op = from; op <= to; op++) {
            FIXED[op] = (byte) length;
        }
    }

    /**
     * The length of the instruction at {@code pc} of the code that starts at {@code code} in {@code b}. Switch
     * padding counts from the start of the code, which is why the offset of the code is needed.
     */
    static int length(byte[] b, int code, int pc) {
        int op = u1(b, code + pc);
        int fixed = FIXED[op];
        if (fixed != 0) {
            return fixed;
        }
        if (op == TABLESWITCH || op == LOOKUPSWITCH) {
            int operands = pc + 1 + (3 - (pc & 3)); // default, then low and high or the pair count, 4-aligned
            int at = code + operands;
            int tail = op == TABLESWITCH
                    ? 12 + 4 * checkedCount((long) u4(b, at + 8) - u4(b, at + 4) + 1)
                    : 8 + 8 * checkedCount(u4(b, at + 4));
            return operands - pc + tail;
        }
        if (op == WIDE) {
            return u1(b, code + pc + 1) == IINC ? 6 : 4;
        }
        throw new IllegalArgumentException("opcode " + op + " is not an instruction of a class file");
    }

    private static int checkedCount(long n) {
        if (n < 0 || n > 0xFFFF) { // code is at most 65535 bytes
            throw new IllegalArgumentException("malformed switch");
        }
        return (int) n;
    }
}
