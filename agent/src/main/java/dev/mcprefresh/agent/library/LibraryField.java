package dev.mcprefresh.agent.library;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;

/**
 * An instance field of a library class, found by one of its names and its exact type: how every hook reaches a
 * library's members (no {@code Field[]} by position). The one place in the agent that writes a field, and it refuses a
 * final one: JEP 500 makes such writes warnings from JDK 26 and errors later, which fail-open would hide.
 */
public final class LibraryField {
    private final Field field;

    private LibraryField(Field field) {
        this.field = field;
    }

    /**
     * The first of {@code names} that {@code type} or a superclass declares as an instance field of exactly {@code fieldType}
     * (compared by name, so library types need not be visible to the agent; null: of any type, for a member whose type
     * changed across versions), made accessible; null when none is.
     */
    public static LibraryField find(Class<?> type, String fieldType, String... names) {
        for (String name : names) {
            // From the class up: an app may subclass a library's transport, whose fields stay where they are.
            for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
                try {
                    Field f = c.getDeclaredField(name);
                    if (!Modifier.isStatic(f.getModifiers())
                            && (fieldType == null || f.getType().getName().equals(fieldType))) {
                        f.setAccessible(true);
                        return new LibraryField(f);
                    }
                } catch (NoSuchFieldException absent) {
                    // a superclass, another name, another version or transport
                }
            }
        }
        return null;
    }

    public Object get(Object owner) throws IllegalAccessException {
        return field.get(owner);
    }

    /** False for a final field: one the agent made non-final at load is not (see {@link Targets#writable}). */
    public boolean writable() {
        return !Modifier.isFinal(field.getModifiers());
    }

    /** Sets a non-final field; a final one is refused with IllegalStateException, never written. */
    public void set(Object owner, Object value) throws IllegalAccessException {
        if (!writable()) {
            throw new IllegalStateException(field.getDeclaringClass().getName() + "." + field.getName()
                    + " is final here (its class loaded before the agent)");
        }
        field.set(owner, value);
    }

    public String name() {
        return field.getName();
    }
}
