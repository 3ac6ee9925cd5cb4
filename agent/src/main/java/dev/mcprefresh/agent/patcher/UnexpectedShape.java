package dev.mcprefresh.agent.patcher;

/** The class lacks a member a {@link ClassPatch} names: another version or a fork of the library, left as it is. */
final class UnexpectedShape extends Exception {
    private static final long serialVersionUID = 1L;

    /** {@code missing}: what the class lacks, as a phrase ("an instance method build()V"). */
    UnexpectedShape(String missing) {
        super(missing, null, false, false); // expected, so no stack trace is taken
    }
}
