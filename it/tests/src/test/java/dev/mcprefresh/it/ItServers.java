package dev.mcprefresh.it;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * What the end-to-end test classes share: one authorization server for the class, and MCP SDK servers (behind the
 * bearer gate) started on first use, one per SDK version and transport.
 */
final class ItServers implements AutoCloseable {
    final Path work;
    final AuthorizationServer as;
    private final Map<String, McpServerProcess> servers = new HashMap<>();

    private ItServers(Path work, AuthorizationServer as) {
        this.work = work;
        this.as = as;
    }

    static ItServers start(Path work) throws Exception {
        return new ItServers(work, AuthorizationServer.start(work));
    }

    /** The MCP server of SDK {@code sdk} ("2.1") on {@code transport} ("streamable" or "sse"). */
    McpServerProcess mcp(String sdk, String transport) throws Exception {
        String key = sdk + "/" + transport;
        McpServerProcess s = servers.get(key);
        if (s == null) {
            s = McpServerProcess.start(sdk, transport, as, work);
            servers.put(key, s);
        }
        return s;
    }

    @Override
    public void close() {
        servers.values().forEach(McpServerProcess::close);
        as.close();
    }
}
