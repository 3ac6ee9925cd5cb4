package dev.mcprefresh.agent.patcher;

import java.util.HashMap;
import java.util.Map;

/**
 * Constants appended after a class's own pool. Duplicates of existing constants are legal, so nothing is looked up in
 * the original pool; within the additions each constant is written once.
 */
final class ConstantPoolAdditions {
    private final ClassBytes entries = new ClassBytes(512);
    private final Map<String, Integer> written = new HashMap<>();
    private int next;

    ConstantPoolAdditions(int originalCount) {
        this.next = originalCount;
    }

    /** The pool's new slot count. */
    int count() {
        if (next > 0xFFFF) {
            throw new IllegalArgumentException("the constant pool would be too large");
        }
        return next;
    }

    ClassBytes entries() {
        return entries;
    }

    int utf8(String ascii) {
        Integer known = written.get("U" + ascii);
        if (known != null) {
            return known;
        }
        entries.u1(1).u2(ascii.length());
        for (int i = 0; i < ascii.length(); i++) {
            char c = ascii.charAt(i);
            if (c == 0 || c > 0x7F) {
                throw new IllegalArgumentException("not an ASCII name");
            }
            entries.u1(c);
        }
        return added("U" + ascii);
    }

    int string(String ascii) {
        return reference(8, "S", ascii);
    }

    int classRef(String internalName) {
        return reference(7, "C", internalName);
    }

    /** A String or Class constant: a tag and the index of its Utf8. */
    private int reference(int tag, String kind, String text) {
        int utf8 = utf8(text);
        Integer known = written.get(kind + text);
        if (known != null) {
            return known;
        }
        entries.u1(tag).u2(utf8);
        return added(kind + text);
    }

    /** A Methodref (never an interface method) with its class and NameAndType. */
    int methodRef(String owner, String name, String descriptor) {
        Integer known = written.get("M" + owner + '.' + name + descriptor);
        if (known != null) {
            return known;
        }
        int ownerIndex = classRef(owner);
        int nameIndex = utf8(name);
        int descriptorIndex = utf8(descriptor);
        entries.u1(12).u2(nameIndex).u2(descriptorIndex);
        int nameAndType = added("N" + owner + '.' + name + descriptor);
        entries.u1(10).u2(ownerIndex).u2(nameAndType);
        return added("M" + owner + '.' + name + descriptor);
    }

    /** The index of the entry just written (lambdas are avoided: this runs while the app's classes load). */
    private int added(String key) {
        written.put(key, next);
        return next++;
    }
}
