package dev.mcprefresh.agent.cli;

import dev.mcprefresh.core.config.UnknownSettings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code <positional...> --name value --flag}: a small parser that rejects unknown options by name. */
final class Args {
    private final List<String> positional = new ArrayList<>();
    private final Map<String, String> options = new HashMap<>();

    private Args() {
    }

    static Args parse(String[] argv, int from, Set<String> valued, Set<String> flags) {
        Args a = new Args();
        for (int i = from; i < argv.length; i++) {
            String s = argv[i];
            if (s.startsWith("--")) {
                String name = s.substring(2);
                String value = null;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
                if (flags.contains(name) && value == null) {
                    a.options.put(name, "true");
                } else if (valued.contains(name)) {
                    if (value == null) {
                        if (i + 1 >= argv.length) {
                            throw new UsageException("--" + name + " needs a value");
                        }
                        value = argv[++i];
                    }
                    a.options.put(name, value);
                } else if (UnknownSettings.looksSecret(name) && !name.endsWith("-file")) {
                    // The value is never echoed; the process list shows every command line to every user.
                    throw new UsageException("--" + name + " would put a secret on the command line, where every user"
                            + " of this machine can read it (ps, /proc/<pid>/cmdline); pass it in a file"
                            + (valued.contains(name + "-file") ? ": --" + name + "-file F" : " (see --help)"));
                } else {
                    throw new UsageException("unknown option --" + name);
                }
            } else {
                a.positional.add(s);
            }
        }
        return a;
    }

    /** The single positional argument ({@code what} names it in the error), as every server command takes. */
    String single(String what) {
        if (positional.size() != 1) {
            throw new UsageException("expected exactly one " + what);
        }
        return positional.get(0);
    }

    List<String> positional() {
        return positional;
    }

    String get(String name) {
        return options.get(name);
    }

    boolean has(String name) {
        return options.containsKey(name);
    }

    /** Thrown for bad command lines; exit code 2. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}
