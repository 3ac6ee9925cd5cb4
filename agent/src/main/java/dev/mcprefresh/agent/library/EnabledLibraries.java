package dev.mcprefresh.agent.library;

import dev.mcprefresh.core.config.Settings;
import dev.mcprefresh.core.log.Log;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The libraries of {@link Libraries} whose switch is on, and what the agent knows of them: their markers (premain),
 * whether a class name may be theirs (every class load), their edits by class and their support objects (loaded at
 * the first class in one of their packages, never in premain).
 */
public final class EnabledLibraries {
    private final LibraryDescriptor[] enabled;
    private final boolean attached;
    private final Map<String, LibrarySupport> supports = new ConcurrentHashMap<>();
    private volatile Map<String, ClassEdits> edits;

    EnabledLibraries(LibraryDescriptor[] enabled, boolean attached) {
        this.enabled = enabled;
        this.attached = attached;
    }

    /** The table's libraries less those switched off (each said once); {@code attached}: a late attach. */
    public static EnabledLibraries of(Settings settings, boolean attached) {
        List<LibraryDescriptor> on = new ArrayList<>();
        for (LibraryDescriptor d : Libraries.ALL) {
            if (switchOn(settings, d.switchKey())) {
                on.add(d);
            } else {
                Log.info("support for " + d.name() + " is off (" + Settings.switchName(d.switchKey()) + "=false)");
            }
        }
        return new EnabledLibraries(on.toArray(new LibraryDescriptor[0]), attached);
    }

    /** Every library of the table, switches aside (tests, tools). */
    public static EnabledLibraries all(boolean attached) {
        return new EnabledLibraries(Libraries.ALL.clone(), attached);
    }

    /** On unless set to false; another value is said once and read as on. No lambda: this runs in premain. */
    private static boolean switchOn(Settings settings, String key) {
        String v = settings.switchValue(key);
        if (v == null || v.equalsIgnoreCase("true")) {
            return true;
        }
        if (v.equalsIgnoreCase("false")) {
            return false;
        }
        Log.warn(Settings.switchName(key) + " must be true or false, not '" + v + "'; read as true");
        return true;
    }

    /** The switches of every library in the table (short keys), which are settings too. */
    public static java.util.Set<String> switchKeys() {
        java.util.Set<String> keys = new java.util.HashSet<>();
        for (LibraryDescriptor d : Libraries.ALL) {
            keys.add(d.switchKey());
        }
        return keys;
    }

    public boolean none() {
        return enabled.length == 0;
    }

    /** The first marker of an enabled library the loader can see (a resource lookup), or null. */
    public String marker(ClassLoader loader) {
        for (LibraryDescriptor d : enabled) {
            for (String marker : d.markers()) {
                try {
                    if (loader.getResource(marker) != null) {
                        return marker;
                    }
                } catch (Throwable t) {
                    return marker; // a lookup that fails cannot rule the library out
                }
            }
        }
        return null;
    }

    /** Whether a class (internal name) lies in an enabled library's package: a name check. */
    public boolean mayOwn(String internalName) {
        for (LibraryDescriptor d : enabled) {
            if (d.mayOwn(internalName)) {
                return true;
            }
        }
        return false;
    }

    /** The edits for a class (internal name), or null; the first call loads every enabled library's table. */
    public ClassEdits edits(String internalName) {
        if (internalName == null || !mayOwn(internalName)) {
            return null;
        }
        Map<String, ClassEdits> e = edits;
        if (e == null) {
            e = loadEdits();
        }
        return e.get(internalName);
    }

    private synchronized Map<String, ClassEdits> loadEdits() {
        if (edits == null) {
            Targets targets = new Targets();
            for (LibraryDescriptor d : enabled) {
                LibrarySupport s = support(d.name());
                if (s != null) {
                    targets.library(d.name());
                    s.targets(targets, attached);
                }
            }
            edits = targets.byClass();
        }
        return edits;
    }

    /** The support object of an enabled library, made once; null (logged) when it cannot be made. */
    LibrarySupport support(String library) {
        LibrarySupport s = supports.get(library);
        if (s != null) {
            return s;
        }
        for (LibraryDescriptor d : enabled) {
            if (d.name().equals(library)) {
                try {
                    s = (LibrarySupport) Class.forName(d.supportClass(), true, EnabledLibraries.class.getClassLoader())
                            .getConstructor().newInstance();
                } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
                    Log.warn("support for " + library + " could not load; its transports are left as they are", e);
                    return null;
                }
                LibrarySupport raced = supports.putIfAbsent(library, s);
                return raced != null ? raced : s;
            }
        }
        return null;
    }
}
