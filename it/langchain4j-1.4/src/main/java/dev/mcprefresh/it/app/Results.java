package dev.mcprefresh.it.app;

/** In 1.4 executeTool returns the text. */
final class Results {
    private Results() {
    }

    static String text(String result) {
        return result;
    }
}
