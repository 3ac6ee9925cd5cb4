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
}
