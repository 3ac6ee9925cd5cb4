package dev.mcprefresh.agent.library;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What the agent changes in one class of a library: entry calls (method name + descriptor -> bridge role), field reads
 * sent through the bridge (field name + ':' + descriptor -> bridge role), and fields made non-final when the class
 * first loads so a hook may set them (name + ':' + descriptor).
 */
public final class ClassEdits {
    private final String library;
    private final Map<String, String> entryCalls = new HashMap<>();
    private final Map<String, String> fieldReads = new HashMap<>();
    private final Set<String> writableFields = new HashSet<>();

    ClassEdits(String library) {
        this.library = library;
    }

    /** The name of the library whose hooks serve this class. */
    public String library() {
        return library;
    }

    public Map<String, String> entryCalls() {
        return Map.copyOf(entryCalls);
    }

    public Map<String, String> fieldReads() {
        return Map.copyOf(fieldReads);
    }

    public Set<String> writableFields() {
        return Set.copyOf(writableFields);
    }

    void entryCall(String method, String role) {
        entryCalls.put(method, role);
    }

    void fieldRead(String field, String role) {
        fieldReads.put(field, role);
    }

    void writable(String field) {
        writableFields.add(field);
    }
}
