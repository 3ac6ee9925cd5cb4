package dev.mcprefresh.it;

/**
 * The start-up benchmark's baseline agent: an empty premain, packed alone into its own jar as every agent is shipped,
 * so the JVM pays what any agent costs (the java.instrument module, a module graph not taken from the CDS archive,
 * opening one more jar) and nothing else.
 */
public final class DoNothingAgent {
    private DoNothingAgent() {
    }

    public static void premain(String args) {
        // nothing, on purpose
    }
}
