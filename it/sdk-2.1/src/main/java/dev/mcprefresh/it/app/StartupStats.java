package dev.mcprefresh.it.app;

import java.lang.management.ManagementFactory;

/**
 * What the start-up apps print before exiting: retained heap and classes (on request), then CPU time of the process
 * and of the main thread, and the JVM's uptime.
 */
final class StartupStats {
    private StartupStats() {
    }

    static void printAndExit(String[] args) {
        if (args[args.length - 1].equals("stats")) {
            System.gc();
            System.gc();
            long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            int classes = ManagementFactory.getClassLoadingMXBean().getLoadedClassCount();
            System.out.println("STATS heap=" + heap + " classes=" + classes);
        }
        // The main thread's CPU time covers JVM start-up on that thread, premain and main: what an agent adds in
        // sequence, and much less moved by the neighbours of a shared machine than wall time.
        long mainThreadCpu = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        long uptime = ManagementFactory.getRuntimeMXBean().getUptime();
        // CPU time used by the whole process (all threads: compilers, GC, the agent's warm-up thread).
        ProcessHandle.current().info().totalCpuDuration()
                .ifPresent(cpu -> System.out.println("CPU " + cpu.toMillis()));
        System.out.println("MAINCPU " + mainThreadCpu / 1000 + " UPTIME " + uptime);
        System.exit(0);
    }
}
