package dev.mcprefresh.it.app;

import dev.mcprefresh.it.fixtures.ClientLoop;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tool calls back to back from several threads over one MCP client: the throughput benchmark's app.
 * Arguments: mode base-url warm-up-seconds token-file threads measure-seconds.
 * Prints "THROUGHPUT calls=N failed=M millis=T".
 */
public final class ThroughputApp {
    private ThroughputApp() {
    }

    public static void main(String[] args) throws Exception {
        ClientLoop loop = new ClientLoop(new String[] {args[0], args[1], args[2], "0", args[3]});
        int threads = Integer.parseInt(args[4]);
        long measureMillis = Long.parseLong(args[5]) * 1000;
        McpSyncClient client = McpClient.sync(Transports.create(loop)).requestTimeout(Duration.ofSeconds(10))
                .initializationTimeout(Duration.ofSeconds(10)).build();
        client.initialize();
        McpSchema.CallToolRequest ping = new McpSchema.CallToolRequest("ping", Map.of());
        AtomicBoolean counting = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong calls = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        client.callTool(ping);
                        if (counting.get()) {
                            calls.incrementAndGet();
                        }
                    } catch (RuntimeException e) {
                        failed.incrementAndGet();
                    }
                }
            });
            workers.add(w);
            w.start();
        }
        Thread.sleep(Long.parseLong(args[2]) * 1000); // warm-up: JIT, connections
        counting.set(true);
        long started = System.nanoTime();
        Thread.sleep(measureMillis);
        counting.set(false);
        long millis = (System.nanoTime() - started) / 1_000_000;
        stop.set(true);
        for (Thread w : workers) {
            w.join();
        }
        System.out.println("THROUGHPUT calls=" + calls.get() + " failed=" + failed.get() + " millis=" + millis);
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }
}
