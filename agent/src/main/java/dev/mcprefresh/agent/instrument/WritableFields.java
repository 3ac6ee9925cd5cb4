package dev.mcprefresh.agent.instrument;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;

/**
 * Whether a library field the agent sets may lose its final flag in this transformation. At a class's first load,
 * yes. On a retransformation (another tool's, or ours at an attach) the JVM hands over the class's original bytes and
 * refuses any change of a field's modifiers against the loaded class: the flag is cleared again exactly when the
 * loaded class has it cleared (it loaded with the agent), never when the class loaded before the agent.
 */
final class WritableFields {
    private WritableFields() {
    }

    static boolean mayClear(Class<?> redefined, String field) {
        if (redefined == null) {
            return true;
        }
        try {
            Field f = redefined.getDeclaredField(field);
            return !Modifier.isFinal(f.getModifiers());
        } catch (NoSuchFieldException | LinkageError | SecurityException e) {
            return false; // the patch then names a field the class lacks and is skipped with one line
        }
    }
}
