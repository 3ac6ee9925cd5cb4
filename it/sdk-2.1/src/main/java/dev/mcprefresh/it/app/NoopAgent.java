package dev.mcprefresh.it.app;

import java.lang.instrument.Instrumentation;

/** A do-nothing {@code -javaagent}: the start-up benchmark's floor for what any agent costs. */
public final class NoopAgent {
    private NoopAgent() {
    }

    public static void premain(String args, Instrumentation inst) {
        // nothing: the JVM's own cost of loading an agent jar is what this measures
    }
}
