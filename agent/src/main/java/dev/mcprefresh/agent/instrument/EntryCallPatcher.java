package dev.mcprefresh.agent.instrument;

import static dev.mcprefresh.agent.instrument.ClassBytes.u2;
import static dev.mcprefresh.agent.instrument.ClassBytes.u4;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Puts {@link EntryCallCode} at the entry of chosen instance methods, working on the class file format directly
 * (JVMS chapter 4): the pool gets the few constants the call needs appended, the chosen methods' Code attributes are
 * rewritten by {@link ShiftedCode}, every other byte is copied. Written for this one fixed edit so that no bytecode
 * library loads into the app at run time: ByteBuddy's ASM cost about 40 classes and tens of milliseconds at the first
 * MCP transport (BENCHMARKS.md, start-up).
 */
final class EntryCallPatcher {
    private static final int ACC_STATIC = 0x0008;
    private static final int ACC_NATIVE = 0x0100;
    private static final int ACC_ABSTRACT = 0x0400;

    private EntryCallPatcher() {
    }

    /** The patched class, or null when a target method (name + descriptor) is missing or cannot take the call. */
    static byte[] patch(byte[] b, Map<String, String> targets) {
        if (b.length < 10 || u4(b, 0) != 0xCAFEBABE) {
            throw new IllegalArgumentException("not a class file");
        }
        if (u2(b, 6) < 50) {
            throw new IllegalArgumentException("class file version " + u2(b, 6) + " predates stack map frames");
        }
        ConstantPool pool = new ConstantPool(b);
        ConstantPoolAdditions additions = new ConstantPoolAdditions(pool.count);
        EntryCallCode entry = new EntryCallCode(additions);
        ShiftedCode shifted = new ShiftedCode(b, pool, entry);

        ClassBytes body = new ClassBytes(b.length + 1024);
        int p = pool.end + 6; // access, this, super
        p += 2 + 2 * u2(b, p); // interfaces
        p = skipFields(b, p);
        body.bytes(b, pool.end, p - pool.end);

        Set<String> applied = new HashSet<>();
        int methods = u2(b, p);
        body.u2(methods);
        p += 2;
        for (int m = 0; m < methods; m++) {
            int access = u2(b, p);
            String key = pool.utf8(u2(b, p + 2)) + pool.utf8(u2(b, p + 4));
            String bridgeMethod = targets.get(key);
            int attributes = u2(b, p + 6);
            int end = p + 8;
            for (int a = 0; a < attributes; a++) {
                end += 6 + u4(b, end + 2);
            }
            if (bridgeMethod == null || (access & (ACC_STATIC | ACC_NATIVE | ACC_ABSTRACT)) != 0) {
                body.bytes(b, p, end - p);
            } else {
                body.bytes(b, p, 8);
                for (int a = 0, at = p + 8; a < attributes; a++, at += 6 + u4(b, at + 2)) {
                    if (pool.utf8(u2(b, at)).equals("Code")) {
                        shifted.write(at, bridgeMethod, body);
                        applied.add(key);
                    } else {
                        body.bytes(b, at, 6 + u4(b, at + 2));
                    }
                }
            }
            p = end;
        }
        int classAttributes = u2(b, p);
        int end = p + 2;
        for (int a = 0; a < classAttributes; a++) {
            end += 6 + u4(b, end + 2);
        }
        if (end != b.length) {
            throw new IllegalArgumentException("the class file has " + (b.length - end) + " bytes too many or few");
        }
        body.bytes(b, p, end - p);
        if (applied.size() != targets.size()) {
            return null;
        }

        ClassBytes out = new ClassBytes(body.size() + pool.end + additions.entries().size());
        out.bytes(b, 0, 8).u2(additions.count());
        out.bytes(b, ConstantPool.FIRST, pool.end - ConstantPool.FIRST);
        out.bytes(additions.entries());
        out.bytes(body);
        return out.toByteArray();
    }

    /** Skips the fields; returns the offset of methods_count. */
    private static int skipFields(byte[] b, int p) {
        int fields = u2(b, p);
        p += 2;
        for (int f = 0; f < fields; f++) {
            int attributes = u2(b, p + 6);
            p += 8;
            for (int a = 0; a < attributes; a++) {
                p += 6 + u4(b, p + 2);
            }
        }
        return p;
    }
}
