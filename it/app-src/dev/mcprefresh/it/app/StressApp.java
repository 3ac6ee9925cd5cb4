package dev.mcprefresh.it.app;

import dev.mcprefresh.it.fixtures.ClientLoop;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Many threads sharing one MCP client, calling a tool back to back: the load under which refreshes race.
 * Arguments: mode base-url calls-per-thread interval-ms token-file threads. Prints "STRESS ok=N failed=M".
 */
public final class StressApp {
    private StressApp() {
    }

    public static void main(String[] args) throws Exception {
        ClientLoop loop = new ClientLoop(args, 6,
                "usage: <mode> <base-url> <calls-per-thread> <interval-ms> <token-file> <threads>");
        int threads = Integer.parseInt(args[5]);
        McpSyncClient client = McpClient.sync(Transports.create(loop)).requestTimeout(Duration.ofSeconds(10))
                .initializationTimeout(Duration.ofSeconds(10)).build();
        client.initialize();
        System.out.println("INIT OK");
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < loop.calls(); i++) {
                        try {
                            McpSchema.CallToolResult r = client.callTool(new McpSchema.CallToolRequest("ping", Map.of()));
                            if ("pong".equals(((McpSchema.TextContent) r.content().get(0)).text())) {
                                ok.incrementAndGet();
                            } else {
                                failed.incrementAndGet();
                            }
                        } catch (RuntimeException e) {
                            failed.incrementAndGet();
                            System.out.println("FAIL " + e.getClass().getName());
                        }
                        Thread.sleep(loop.intervalMillis());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            workers.add(worker);
            worker.start();
        }
        start.countDown();
        for (Thread w : workers) {
            w.join();
        }
        System.out.println("STRESS ok=" + ok.get() + " failed=" + failed.get());
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }
}
