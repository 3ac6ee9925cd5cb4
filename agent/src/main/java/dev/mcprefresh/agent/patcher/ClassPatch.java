package dev.mcprefresh.agent.patcher;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@link ClassPatcher} changes in one class: entry calls into the agent's bridge, and reads of the class's own
 * instance fields turned into calls of a static method. The field reads are how a running object gets another value
 * of a final field (a decorated HttpClient) with no write to the field, which JEP 500 makes warn and later fail.
 * Immutable; every {@code with} returns a new value.
 */
public final class ClassPatch {
    /** Changes nothing; the start for a patch of field reads only. */
    public static final ClassPatch NONE = new ClassPatch(Map.of(), List.of(), Set.of());

    private final Map<String, String> entryCalls;
    private final List<FieldRead> fieldReads;
    /** Instance fields (name + ':' + descriptor) whose final flag is cleared. */
    private final Set<String> writableFields;

    private ClassPatch(Map<String, String> entryCalls, List<FieldRead> fieldReads, Set<String> writableFields) {
        this.entryCalls = entryCalls;
        this.fieldReads = fieldReads;
        this.writableFields = writableFields;
    }

    /**
     * Entry calls: for each instance method, named as name + descriptor ({@code build()Ljava/lang/Object;}), the
     * bridge method that is called with {@code this} before the method's own code. A key may list alternatives
     * separated by {@code |} (a method a library renamed between releases): each one the class has gets the call (a
     * release may have both, and call one from the other, so the hook must bear more than one call), and it must have
     * at least one. A method under two keys is refused.
     */
    public static ClassPatch entryCalls(Map<String, String> bridgeMethodByMethod) {
        return new ClassPatch(Map.copyOf(bridgeMethodByMethod), List.of(), Set.of());
    }

    /**
     * Adds a field-read substitution: every {@code getfield} of the class's own instance field {@code name} (of type
     * {@code descriptor}) in its instance methods other than constructors becomes
     * {@code invokestatic readerOwner.readerMethod(Ljava/lang/Object;)descriptor}, called with the object the field
     * was read from. {@code readerOwner} is the internal name of a class (not an interface) the patched class's
     * loader can resolve. Where that object is null the getfield would have thrown NullPointerException; the reader
     * should too (in the instance methods of a class nearly every read is of {@code this}, never null).
     */
    public ClassPatch withFieldRead(String name, String descriptor, String readerOwner, String readerMethod) {
        for (FieldRead read : fieldReads) {
            if (read.name.equals(name) && read.descriptor.equals(descriptor)) {
                throw new IllegalArgumentException("the field " + read + " has a reader already");
            }
        }
        List<FieldRead> more = new ArrayList<>(fieldReads);
        more.add(new FieldRead(name, descriptor, readerOwner, readerMethod));
        return new ClassPatch(entryCalls, Collections.unmodifiableList(more), writableFields);
    }

    /**
     * Clears the {@code final} flag of the class's instance field {@code name} (of type {@code descriptor}), so the
     * agent may set it without writing a final field (JEP 500). Only for a class's first load: a retransformation
     * may not change modifiers.
     */
    public ClassPatch withWritableField(String name, String descriptor) {
        Set<String> more = new HashSet<>(writableFields);
        more.add(name + ":" + descriptor);
        return new ClassPatch(entryCalls, fieldReads, Set.copyOf(more));
    }

    Set<String> writableFields() {
        return writableFields;
    }

    Map<String, String> entryCalls() {
        return entryCalls;
    }

    List<FieldRead> fieldReads() {
        return fieldReads;
    }

    @Override
    public String toString() {
        return "entry calls " + entryCalls.keySet() + ", field reads " + fieldReads + ", writable fields "
                + writableFields;
    }

    /** One substituted field and the static method that now supplies its value. */
    static final class FieldRead {
        final String name;
        final String descriptor;
        final String readerOwner;
        final String readerMethod;

        FieldRead(String name, String descriptor, String readerOwner, String readerMethod) {
            if (name.isEmpty() || descriptor.isEmpty() || readerOwner.isEmpty() || readerMethod.isEmpty()) {
                throw new IllegalArgumentException("a field read needs a field, a type and a reader");
            }
            this.name = name;
            this.descriptor = descriptor;
            this.readerOwner = readerOwner;
            this.readerMethod = readerMethod;
        }

        String readerDescriptor() {
            return "(Ljava/lang/Object;)" + descriptor;
        }

        @Override
        public String toString() {
            return name + ':' + descriptor;
        }
    }
}
