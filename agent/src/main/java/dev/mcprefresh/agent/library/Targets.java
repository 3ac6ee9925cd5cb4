package dev.mcprefresh.agent.library;

import java.util.HashMap;
import java.util.Map;

/** The edits every enabled library asks for, by class (internal name); filled by each {@link LibrarySupport}. */
public final class Targets {
    private final Map<String, ClassEdits> byClass = new HashMap<>();
    private String library;

    /** The library whose lines follow. */
    void library(String name) {
        library = name;
    }

    /** A call to the bridge's {@code role} at the entry of {@code type}'s method {@code nameAndDescriptor}. */
    public Targets entryCall(String type, String nameAndDescriptor, String role) {
        edits(type).entryCall(nameAndDescriptor, role);
        return this;
    }

    /** Every read of {@code type}'s field {@code name:descriptor} in its own methods goes through the bridge's role. */
    public Targets fieldRead(String type, String nameAndDescriptor, String role) {
        edits(type).fieldRead(nameAndDescriptor, role);
        return this;
    }

    /**
     * {@code type}'s field {@code name:descriptor}, final in the library, is loaded non-final so a hook may replace
     * its value without writing a final field (JEP 500). Only at the class's first load: a class already loaded (a
     * late attach) keeps it final, and the hook leaves such objects alone.
     */
    public Targets writable(String type, String nameAndDescriptor) {
        edits(type).writable(nameAndDescriptor);
        return this;
    }

    private ClassEdits edits(String type) {
        ClassEdits e = byClass.get(type); // no lambda: this runs inside the first MCP class's transformation
        if (e == null) {
            e = new ClassEdits(library);
            byClass.put(type, e);
        }
        if (!e.library().equals(library)) {
            throw new IllegalStateException(type + " is a target of both " + e.library() + " and " + library);
        }
        return e;
    }

    Map<String, ClassEdits> byClass() {
        return Map.copyOf(byClass);
    }
}
