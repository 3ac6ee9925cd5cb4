package dev.mcprefresh.agent.cli;

import java.io.File;
import java.net.URI;
import java.util.List;

/** Opens a URL in the user's browser where there is one; says false where there is none (headless, SSH, CI). */
final class Browser {
    private Browser() {
    }

    static boolean open(URI url) {
        try {
            if (!java.awt.GraphicsEnvironment.isHeadless() && java.awt.Desktop.isDesktopSupported()
                    && java.awt.Desktop.getDesktop().isSupported(java.awt.Desktop.Action.BROWSE)) {
                java.awt.Desktop.getDesktop().browse(url);
                return true;
            }
        } catch (Throwable ignored) {
            // no AWT (a slim JRE) or no desktop: try the platform's opener below
        }
        String os = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT);
        List<String> command;
        if (os.contains("mac")) {
            command = List.of("open", url.toString());
        } else if (os.contains("win")) {
            command = List.of("rundll32", "url.dll,FileProtocolHandler", url.toString());
        } else if (System.getenv("DISPLAY") != null || System.getenv("WAYLAND_DISPLAY") != null) {
            command = List.of("xdg-open", url.toString());
        } else {
            return false;
        }
        if (!onPath(command.get(0))) {
            return false;
        }
        try {
            new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (new File(dir, program).canExecute() || new File(dir, program + ".exe").canExecute()) {
                return true;
            }
        }
        return false;
    }
}
