package dev.mcprefresh.it.app;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import java.lang.management.ManagementFactory;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;

/**
 * The start-up benchmark's app. {@code mcp <base-url>}: loads the SDK's transport and builds an MCP client with a
 * static header, as an app does at start (no network: the benchmark measures start-up, not the server).
 * {@code plain}: an app that never loads an MCP client. With {@code stats}, prints the heap retained after a full
 * GC and the loaded class count. Always prints the process's CPU time last, then exits.
 */
public final class StartupApp {
    private StartupApp() {
    }

    public static void main(String[] args) {
        boolean mcp = args[0].equals("mcp");
        if (mcp) {
            HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(args[1])
                    .endpoint("/mcp").requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer static"))
                    .build();
            McpSyncClient client = McpClient.sync(transport).build();
            System.out.println("BUILT " + client.getClass().getSimpleName());
        } else {
            System.out.println("BUILT " + HttpClient.newHttpClient().getClass().getSimpleName());
        }
        if (args[args.length - 1].equals("stats")) {
            System.gc();
            System.gc();
            long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            int classes = ManagementFactory.getClassLoadingMXBean().getLoadedClassCount();
            System.out.println("STATS heap=" + heap + " classes=" + classes);
        }
        // CPU time used by the whole process: steadier than wall time on a shared machine.
        ProcessHandle.current().info().totalCpuDuration()
                .ifPresent(cpu -> System.out.println("CPU " + cpu.toMillis()));
        System.exit(0);
    }
}
