package dev.mcprefresh.core.oauth;

/** The authorization server of an MCP server could not be found; the message lists what was tried. */
public final class DiscoveryException extends Exception {
    public DiscoveryException(String message) {
        super(message);
    }
}
