package dev.mcprefresh.it.app;

import dev.langchain4j.service.tool.ToolExecutionResult;

/** From 1.12 or so executeTool returns a result object. */
final class Results {
    private Results() {
    }

    static String text(ToolExecutionResult result) {
        return result.isError() ? "error: " + result.resultText() : result.resultText();
    }
}
