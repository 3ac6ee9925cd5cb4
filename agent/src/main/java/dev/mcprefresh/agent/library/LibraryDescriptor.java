package dev.mcprefresh.agent.library;

/**
 * One supported MCP client library, as start-up needs to know it: its name (in log lines and in its switch
 * {@code mcp.refresh.library.<name>.enabled}), the class resources whose presence means it can load, the packages its
 * target classes live in, and the class of its {@link LibrarySupport} (target tables and hooks), loaded only when one
 * of those packages' classes loads. Strings only: premain reads the table and must load nothing more.
 */
public final class LibraryDescriptor {
    private final String name;
    private final String[] markers;
    private final String[] packages;
    private final String support;

    /** {@code markers} and {@code packages} in internal form ({@code a/b/C.class}, {@code a/b/}). */
    public LibraryDescriptor(String name, String support, String[] markers, String... packages) {
        this.name = name;
        this.support = support;
        this.markers = markers.clone();
        this.packages = packages.clone();
    }

    public String name() {
        return name;
    }

    /** The agent argument of its switch; the system property is {@code mcp.refresh.} + this. */
    public String switchKey() {
        return "library." + name + ".enabled";
    }

    String[] markers() {
        return markers.clone();
    }

    String supportClass() {
        return support;
    }

    /** Whether a class (internal name) lies in one of its packages: a name check, nothing loaded. */
    public boolean mayOwn(String internalName) {
        for (String p : packages) {
            if (internalName.startsWith(p)) {
                return true;
            }
        }
        return false;
    }
}
