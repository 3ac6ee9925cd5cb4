package dev.mcprefresh.agent.patcher;

import static dev.mcprefresh.agent.patcher.ClassBytes.u2;
import static dev.mcprefresh.agent.patcher.ClassBytes.u4;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Applies a {@link ClassPatch} to a class file in one pass, on the format directly (JVMS chapter 4): the pool gets the
 * few constants the edits need appended, the Code attributes of the chosen methods are rewritten ({@link ShiftedCode}
 * for an entry call, {@link FieldReads} for field reads, both in one method if both apply), a field the agent sets
 * loses its final flag ({@link ClassPatch#withWritableField}), every other byte is copied. Written for these fixed
 * edits so that no bytecode library loads into the app at run time: ByteBuddy's ASM cost about 40 classes and tens
 * of milliseconds at the first MCP transport (BENCHMARKS.md, start-up).
 */
final class ClassFileRewriter {
    static final int ACC_STATIC = 0x0008;
    private static final int ACC_FINAL = 0x0010;
    private static final int ACC_NATIVE = 0x0100;
    private static final int ACC_ABSTRACT = 0x0400;

    private ClassFileRewriter() {
    }

    /** The class file with {@code patch} applied; {@link UnexpectedShape} when a chosen member is missing. */
    static byte[] rewrite(byte[] b, ClassPatch patch) throws UnexpectedShape {
        if (b.length < 10 || u4(b, 0) != 0xCAFEBABE) {
            throw new IllegalArgumentException("not a class file");
        }
        if (majorVersion(b) < 50) {
            throw new IllegalArgumentException("class file version " + majorVersion(b) + " predates stack map frames");
        }
        ConstantPool pool = new ConstantPool(b);
        ConstantPoolAdditions additions = new ConstantPoolAdditions(pool.count);
        Map<String, String> entryCalls = EntryCallCode.byMethod(patch.entryCalls());
        ShiftedCode shifted = entryCalls.isEmpty() ? null : new ShiftedCode(b, pool, new EntryCallCode(additions));
        FieldReads reads = patch.fieldReads().isEmpty() ? null
                : new FieldReads(pool, pool.className(u2(b, pool.end + 2)), patch.fieldReads(), additions);

        ClassBytes body = new ClassBytes(b.length + 1024);
        int p = pool.end + 6; // access, this, super
        p += 2 + 2 * u2(b, p); // interfaces
        Set<String> unfinished = new HashSet<>(patch.writableFields());
        int fieldsAt = p;
        p = fields(b, p, pool, reads);
        body.bytes(b, pool.end, p - pool.end);
        clearFinal(b, fieldsAt, pool, unfinished, body);
        if (!unfinished.isEmpty()) {
            throw new UnexpectedShape("an instance field " + unfinished.iterator().next());
        }

        Set<String> applied = new HashSet<>();
        int methods = u2(b, p);
        body.u2(methods);
        p += 2;
        for (int m = 0; m < methods; m++) {
            int access = u2(b, p);
            String name = pool.utf8(u2(b, p + 2));
            String key = name + pool.utf8(u2(b, p + 4));
            int end = attributesEnd(b, p + 6);
            boolean hasCode = (access & (ACC_NATIVE | ACC_ABSTRACT)) == 0;
            boolean instance = hasCode && (access & ACC_STATIC) == 0;
            String bridgeMethod = instance ? entryCalls.get(key) : null;
            boolean readsSubstituted = reads != null && instance && !name.equals("<init>");
            if (bridgeMethod == null && !readsSubstituted) {
                body.bytes(b, p, end - p);
            } else {
                body.bytes(b, p, 8);
                for (int at = p + 8; at < end; at += 6 + u4(b, at + 2)) {
                    if (pool.utf8(u2(b, at)).equals("Code")) {
                        code(b, at, bridgeMethod, readsSubstituted ? reads : null, shifted, body);
                        if (bridgeMethod != null) {
                            applied.add(key);
                        }
                    } else {
                        body.bytes(b, at, 6 + u4(b, at + 2));
                    }
                }
            }
            p = end;
        }
        int end = attributesEnd(b, p);
        if (end != b.length) {
            throw new IllegalArgumentException("the class file has " + (b.length - end) + " bytes too many or few");
        }
        body.bytes(b, p, end - p);
        for (String alternatives : patch.entryCalls().keySet()) {
            if (Arrays.stream(alternatives.split("\\|")).noneMatch(applied::contains)) {
                throw new UnexpectedShape("an instance method " + alternatives);
            }
        }
        String missingRead = reads == null ? null : reads.missing();
        if (missingRead != null) {
            throw new UnexpectedShape(missingRead);
        }

        ClassBytes out = new ClassBytes(body.size() + pool.end + additions.entries().size());
        out.bytes(b, 0, 8).u2(additions.count());
        out.bytes(b, ConstantPool.FIRST, pool.end - ConstantPool.FIRST);
        out.bytes(additions.entries());
        out.bytes(body);
        return out.toByteArray();
    }

    static int majorVersion(byte[] b) {
        return u2(b, 6);
    }

    /** Writes the Code attribute at {@code at} with the entry call and the field reads that apply (either may not). */
    private static void code(byte[] b, int at, String bridgeMethod, FieldReads reads, ShiftedCode shifted,
            ClassBytes out) {
        int code = at + 14;
        int codeLength = u4(b, at + 10);
        byte[] substituted = reads == null ? null : reads.substitute(b, code, codeLength);
        if (bridgeMethod != null) {
            if (substituted != null) {
                shifted.write(at, bridgeMethod, substituted, 0, out);
            } else {
                shifted.write(at, bridgeMethod, b, code, out);
            }
        } else if (substituted != null) {
            out.bytes(b, at, code - at).bytes(substituted, 0, codeLength);
            int rest = code + codeLength;
            out.bytes(b, rest, at + 6 + u4(b, at + 2) - rest);
        } else {
            out.bytes(b, at, 6 + u4(b, at + 2));
        }
    }

    /** Walks the fields (noting them for the field reads); returns the offset of methods_count. */
    private static int fields(byte[] b, int p, ConstantPool pool, FieldReads reads) {
        int fields = u2(b, p);
        p += 2;
        for (int f = 0; f < fields; f++) {
            if (reads != null) {
                reads.field(u2(b, p), pool.utf8(u2(b, p + 2)), pool.utf8(u2(b, p + 4)));
            }
            p = attributesEnd(b, p + 6);
        }
        return p;
    }

    /**
     * Clears ACC_FINAL of the named instance fields in {@code body} (which holds the bytes from the pool's end on);
     * removes each one found from {@code names}.
     */
    private static void clearFinal(byte[] b, int p, ConstantPool pool, Set<String> names, ClassBytes body) {
        if (names.isEmpty()) {
            return;
        }
        int fields = u2(b, p);
        p += 2;
        for (int f = 0; f < fields; f++) {
            int access = u2(b, p);
            String key = pool.utf8(u2(b, p + 2)) + ":" + pool.utf8(u2(b, p + 4));
            if ((access & ACC_STATIC) == 0 && names.remove(key)) {
                body.putU2(p - pool.end, access & ~ACC_FINAL);
            }
            p = attributesEnd(b, p + 6);
        }
    }

    /** The end of the attributes whose count is at {@code p}. */
    private static int attributesEnd(byte[] b, int p) {
        int count = u2(b, p);
        p += 2;
        for (int a = 0; a < count; a++) {
            p += 6 + u4(b, p + 2);
        }
        return p;
    }
}
