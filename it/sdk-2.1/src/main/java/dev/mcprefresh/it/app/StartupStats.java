package dev.mcprefresh.it.app;

import java.lang.management.ManagementFactory;

/** What the start-up apps print before exiting: retained heap and classes (on request), then CPU time. */
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
        // CPU time used by the whole process: steadier than wall time on a shared machine.
        ProcessHandle.current().info().totalCpuDuration()
                .ifPresent(cpu -> System.out.println("CPU " + cpu.toMillis()));
        System.exit(0);
    }
}
