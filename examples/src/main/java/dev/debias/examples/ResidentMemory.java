package dev.debias.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Samples the process's resident memory (Linux {@code /proc/self/status}) and the Java heap's
 * committed size on a background thread, so a benchmark can report its peak and whether it stays
 * flat, inside and outside the heap.
 */
final class ResidentMemory implements AutoCloseable {

    /** The index of the resident size in a sample {nanoTime, resident kB, resident less committed heap kB}. */
    static final int RESIDENT = 1;

    /** The index of the resident size less the heap's committed size in a sample. */
    static final int OUTSIDE_HEAP = 2;

    private static final Path STATUS = Paths.get("/proc/self/status");

    private final List<long[]> samples = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    ResidentMemory(long periodMillis) {
        thread =
                new Thread(
                        () -> {
                            while (running) {
                                long rss = read("VmRSS:");
                                long heap = Runtime.getRuntime().totalMemory() / 1024;
                                synchronized (samples) {
                                    samples.add(new long[] {System.nanoTime(), rss, rss - heap});
                                }
                                try {
                                    Thread.sleep(periodMillis);
                                } catch (InterruptedException e) {
                                    return;
                                }
                            }
                        },
                        "rss-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    /** Returns the peak resident set size in kB ({@code VmHWM}), or -1 off Linux. */
    static long peakKb() {
        return read("VmHWM:");
    }

    /**
     * Returns the lines a benchmark prints: the peak; the resident size at a tenth, a quarter,
     * half, three quarters and the end of the run, and its range over the second half; and the
     * same for what lies outside the Java heap (the resident size less the heap's committed size:
     * native arrays, libtorch's allocator, the JVM's own memory), which stays flat when nothing
     * native grows per step even while the heap still fills with garbage.
     *
     * @return the lines, in MB
     */
    String report() {
        synchronized (samples) {
            return report(samples, peakKb());
        }
    }

    static String report(List<long[]> samples, long peakKb) {
        if (samples.isEmpty()) {
            return "resident memory: not sampled";
        }
        return String.format(Locale.ROOT, "resident memory: peak %.0f MB; %s%noutside the Java heap: %s",
                peakKb / 1024.0, trajectory(samples, RESIDENT), trajectory(samples, OUTSIDE_HEAP));
    }

    private static String trajectory(List<long[]> samples, int column) {
        long[] half = range(samples, column, 0.5, 1.0);
        return String.format(
                Locale.ROOT,
                "at 10/25/50/75/100 %% of the run %.0f / %.0f / %.0f / %.0f / %.0f MB; over its second half %.0f-%.0f MB (%d samples)",
                atFraction(samples, column, 0.1) / 1024.0,
                atFraction(samples, column, 0.25) / 1024.0,
                atFraction(samples, column, 0.5) / 1024.0,
                atFraction(samples, column, 0.75) / 1024.0,
                atFraction(samples, column, 1.0) / 1024.0,
                half[0] / 1024.0,
                half[1] / 1024.0,
                half[2]);
    }

    /** The first sample's column at or after the fraction of the elapsed time; -1 with no samples. */
    static long atFraction(List<long[]> samples, int column, double fraction) {
        if (samples.isEmpty()) {
            return -1;
        }
        long target = timeAt(samples, fraction);
        for (long[] s : samples) {
            if (s[0] >= target) {
                return s[column];
            }
        }
        return samples.get(samples.size() - 1)[column];
    }

    /** The smallest and largest value of a column between two fractions of the elapsed time, and their count. */
    static long[] range(List<long[]> samples, int column, double from, double to) {
        long lo = timeAt(samples, from);
        long hi = timeAt(samples, to);
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        long count = 0;
        for (long[] s : samples) {
            if (s[0] >= lo && s[0] <= hi) {
                min = Math.min(min, s[column]);
                max = Math.max(max, s[column]);
                count++;
            }
        }
        return count == 0 ? new long[] {-1, -1, 0} : new long[] {min, max, count};
    }

    private static long timeAt(List<long[]> samples, double fraction) {
        long first = samples.get(0)[0];
        long last = samples.get(samples.size() - 1)[0];
        return first + (long) ((last - first) * fraction);
    }

    private static long read(String key) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.substring(key.length()).replace("kB", "").trim());
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
