package dev.mcprefresh.core.doctor;

/** One line of doctor's report: what was checked, how it stands, what was seen, and the fix (null: nothing to do). */
public record Finding(String check, Level level, String detail, String fix) {
    public enum Level { OK, WARN, FAIL }

    /**
     * A check stated once: {@code ok} picks between the good finding and the bad one (at {@code badLevel}, with its
     * fix), instead of the condition repeated for level, detail and fix.
     */
    public static Finding of(String check, boolean ok, String okDetail, Level badLevel, String badDetail, String fix) {
        return ok ? new Finding(check, Level.OK, okDetail, null) : new Finding(check, badLevel, badDetail, fix);
    }

    public static Finding ok(String check, String detail) {
        return new Finding(check, Level.OK, detail, null);
    }
}
