package dev.mcprefresh.agent.patcher;

import dev.mcprefresh.core.log.Log;

/**
 * The agent's class-file patcher: applies a {@link ClassPatch} to one class file, or leaves the class as it is with
 * one log line when the class is not what the patch expects.
 */
public final class ClassPatcher {
    /**
     * The newest class-file major version the patcher has been run against (69: Java 25, the newest JDK it is tested
     * on). A newer format may hold constants, attributes or instructions the patcher cannot walk, so such classes are
     * refused rather than guessed at; raise it after running the tests on that JDK.
     */
    static final int NEWEST_TESTED_MAJOR_VERSION = 69;

    private ClassPatcher() {
    }

    /**
     * The class file {@code bytes} of {@code className} (internal or binary name, for the log) with {@code patch}
     * applied; null, logged once, when the class lacks what the patch names, has a class-file version newer than
     * the patcher knows, or cannot be read.
     */
    public static byte[] patch(String className, byte[] bytes, ClassPatch patch) {
        String name = className.replace('/', '.');
        try {
            int major = ClassFileRewriter.majorVersion(bytes);
            if (major > NEWEST_TESTED_MAJOR_VERSION) {
                Log.warn("skipping " + name + ": its class file version " + major + " is newer than "
                        + NEWEST_TESTED_MAJOR_VERSION + " (Java " + (NEWEST_TESTED_MAJOR_VERSION - 44)
                        + "), the newest the patcher was tested on; it is left as it is");
                return null;
            }
            byte[] patched = ClassFileRewriter.rewrite(bytes, patch);
            Log.debug("instrumented " + name);
            return patched;
        } catch (UnexpectedShape e) {
            Log.warn("skipping " + name + ": it lacks " + e.getMessage() + " (a fork or an unsupported version?);"
                    + " it is left as it is");
            return null;
        } catch (Throwable t) {
            Log.warn("could not instrument " + name + "; it is left as it is", t);
            return null;
        }
    }
}
