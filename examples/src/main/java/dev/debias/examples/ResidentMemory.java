package dev.debias.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * Samples the process's resident memory (Linux {@code /proc/self/status}) on a background thread,
 * so a benchmark can report its peak and whether it stays flat.
 */
final class ResidentMemory implements AutoCloseable {

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
                                synchronized (samples) {
                                    samples.add(new long[] {System.nanoTime(), rss});
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

    /** Returns the resident set size sampled at the given fraction of the elapsed time, in kB. */
    long atFraction(double fraction) {
        synchronized (samples) {
            if (samples.isEmpty()) {
                return -1;
            }
            long first = samples.get(0)[0];
            long last = samples.get(samples.size() - 1)[0];
            long target = first + (long) ((last - first) * fraction);
            for (long[] s : samples) {
                if (s[0] >= target) {
                    return s[1];
                }
            }
            return samples.get(samples.size() - 1)[1];
        }
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
