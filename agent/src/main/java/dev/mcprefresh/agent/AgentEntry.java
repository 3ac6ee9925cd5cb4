package dev.mcprefresh.agent;

import java.lang.instrument.Instrumentation;

/**
 * The jar's entry points. Deliberately tiny: an exception escaping premain would abort the JVM, so every path
 * catches Throwable and the app starts as it would without the agent.
 */
public final class AgentEntry {
    private AgentEntry() {
    }

    public static void premain(String args, Instrumentation inst) {
        start(args, inst, false);
    }

    public static void agentmain(String args, Instrumentation inst) {
        start(args, inst, true);
    }

    public static void main(String[] args) {
        System.exit(dev.mcprefresh.agent.cli.Cli.run(args, System.out, System.err));
    }

    private static void start(String args, Instrumentation inst, boolean attached) {
        try {
            Agent.start(args, inst, attached);
        } catch (Throwable t) {
            try {
                System.err.println("[mcp-refresh] ERROR the agent could not start and is off; the app runs without it ("
                        + t.getClass().getName() + ")");
            } catch (Throwable ignored) {
                // nothing more we can do
            }
        }
    }
}
