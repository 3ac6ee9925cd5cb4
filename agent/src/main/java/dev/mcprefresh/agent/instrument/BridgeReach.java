package dev.mcprefresh.agent.instrument;

import dev.mcprefresh.agent.bridge.McpRefreshBridge;

/**
 * Whether a class may call the bridge directly (a field read sent through it is a plain static call, not the
 * reflective entry call): its loader must resolve the bridge to the agent's own class, and its fields must be
 * readable by the agent (not in an explicit named module, which keeps its packages closed; an automatic module opens
 * them all).
 */
final class BridgeReach {
    private BridgeReach() {
    }

    /** Null when it may; else why not, for one log line. */
    static String refusal(Module module, ClassLoader loader) {
        if (module != null && module.isNamed() && !module.getDescriptor().isAutomatic()) {
            return "is in the named module " + module.getName() + ", which the agent does not patch";
        }
        if (loader == null) {
            return "is loaded by the boot class loader, which cannot see the agent";
        }
        try {
            if (Class.forName(McpRefreshBridge.class.getName(), false, loader) == McpRefreshBridge.class) {
                return null;
            }
            return "is loaded by " + loader.getClass().getName() + ", which has its own copy of the agent";
        } catch (ClassNotFoundException | LinkageError e) {
            return "is loaded by " + loader.getClass().getName() + ", which cannot see the agent (OSGi?)";
        }
    }
}
