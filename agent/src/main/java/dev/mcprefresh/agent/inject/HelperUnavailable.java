package dev.mcprefresh.agent.inject;

/** A helper cannot be had in a loader; the message says why, fit for a log line (class and loader names only). */
public final class HelperUnavailable extends Exception {
    private static final long serialVersionUID = 1L;

    HelperUnavailable(String reason) {
        super(reason, null, false, false);
    }
}
