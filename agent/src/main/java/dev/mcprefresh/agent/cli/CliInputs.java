package dev.mcprefresh.agent.cli;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;

/** Checks of what users type on a command line: URLs, and secrets read from files (never from the command line). */
final class CliInputs {
    private CliInputs() {
    }

    static URI httpUrl(String value, String what) {
        try {
            URI uri = new URI(value);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return uri;
            }
        } catch (Exception ignored) {
            // reported below
        }
        throw new Args.UsageException(what + " must be an absolute http(s) URL");
    }

    static String readSecret(String file, String what) {
        try {
            String v = Files.readString(Paths.get(file), StandardCharsets.UTF_8).trim();
            if (v.isEmpty() || v.contains("\n")) {
                throw new Args.UsageException("the " + what + " file " + file + " must hold exactly one line");
            }
            return v;
        } catch (IOException e) {
            throw new Args.UsageException("cannot read the " + what + " file " + file + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    static int positiveInt(String value, String what) {
        try {
            int n = Integer.parseInt(value);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new Args.UsageException(what + " must be a non-negative whole number");
    }

    /** A positive lifetime such as 45s, 30m, 12h or 7d (plain digits are seconds), in seconds. */
    static long lifetimeSeconds(String value, String what) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]{1,9})([smhd]?)").matcher(value.trim());
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            long unit = m.group(2).isEmpty() || m.group(2).equals("s") ? 1 : m.group(2).equals("m") ? 60
                    : m.group(2).equals("h") ? 3600 : 86_400;
            if (n > 0) {
                return n * unit;
            }
        }
        throw new Args.UsageException(what + " must be a positive lifetime such as 45s, 30m, 12h or 7d");
    }
}
