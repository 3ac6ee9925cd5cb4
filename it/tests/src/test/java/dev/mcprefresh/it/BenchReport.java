package dev.mcprefresh.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What a whole-process benchmark found: markdown lines printed as they come and written to
 * {@code it/tests/target/benchmarks/<name>.md}, from where the figures go into BENCHMARKS.md. Benchmarks assert only
 * what is not a timing (a timing is a figure to write down, not a pass/fail).
 */
final class BenchReport {
    private final String name;
    private final List<String> lines = new ArrayList<>();

    BenchReport(String name) {
        this.name = name;
        line("# " + name + " (" + java.time.Instant.now() + ", " + Runtime.getRuntime().availableProcessors()
                + " cores, Java " + System.getProperty("java.version") + ")");
    }

    void line(String text) {
        System.out.println(text);
        lines.add(text);
    }

    void line(String format, Object... args) {
        line(String.format(Locale.ROOT, format, args));
    }

    void write() throws IOException {
        Path dir = Files.createDirectories(Path.of("target/benchmarks"));
        Files.write(dir.resolve(name + ".md"), lines);
    }

    static double median(double[] values) {
        return percentile(values, 50);
    }

    /** Element-wise {@code a[i] - b[i]}: the paired differences of two variants run in the same rounds. */
    static double[] minus(double[] a, double[] b) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i] - b[i];
        }
        return d;
    }

    /**
     * A distribution-free 95 % confidence interval of the median (order statistics, normal approximation of the
     * binomial): {lower, upper}. Nothing about the noise's shape is assumed.
     */
    static double[] medianInterval(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double half = 0.98 * Math.sqrt(n); // 1.96 * sqrt(n) / 2
        int lower = Math.max(0, (int) Math.floor(n / 2.0 - half) - 1);
        int upper = Math.min(n - 1, (int) Math.ceil(n / 2.0 + half) - 1);
        return new double[] {sorted[lower], sorted[upper]};
    }

    /** Nearest-rank percentile. */
    static double percentile(double[] values, double p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
