package dev.debias.examples.profile;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The CPU time (user plus system) of the process's threads, summed over the threads of one kind,
 * read from Linux's {@code /proc/self/task}: the training thread, libtorch's intra-op (OpenMP)
 * and inter-op threads, the garbage collector's and the JIT compilers' threads. Threads of a kind
 * are named alike (the kernel's thread name with its trailing number removed, so {@code GC Thread#0}
 * and {@code GC Thread#1} are one kind); threads that libtorch starts inherit the name of the
 * thread that started them. Empty off Linux.
 */
public final class ThreadCpuTimes {

    private static final Path TASKS = Paths.get("/proc/self/task");
    /** The kernel's clock ticks per second ({@code getconf CLK_TCK}), 100 on Linux x86-64. */
    private static final double TICK_MILLIS = 10.0;

    private final Map<String, double[]> byKind;

    private ThreadCpuTimes(Map<String, double[]> byKind) {
        this.byKind = byKind;
    }

    /**
     * Reads the CPU time of every thread now.
     *
     * @return the snapshot; empty when {@code /proc} is not there
     */
    public static ThreadCpuTimes now() {
        Map<String, double[]> byKind = new HashMap<>();
        if (!Files.isDirectory(TASKS)) {
            return new ThreadCpuTimes(byKind);
        }
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
            for (Path task : tasks) {
                try {
                    String kind = kind(Files.readString(task.resolve("comm")).strip());
                    double millis = cpuMillis(Files.readString(task.resolve("stat")));
                    double[] entry = byKind.computeIfAbsent(kind, k -> new double[2]);
                    entry[0] += millis;
                    entry[1]++;
                } catch (IOException e) {
                    // the thread ended between the listing and the read: it no longer counts
                }
            }
        } catch (IOException e) {
            return new ThreadCpuTimes(byKind);
        }
        return new ThreadCpuTimes(byKind);
    }

    /** The thread's kind: its name without a trailing number (and the {@code #} or space before it). */
    static String kind(String threadName) {
        String kind = threadName.replaceAll("[#\\s-]*\\d+$", "");
        return kind.isEmpty() ? threadName : kind;
    }

    /**
     * The user plus system time of a {@code /proc/.../stat} line, in milliseconds: fields 14 and 15,
     * counted after the parenthesised name (which may itself hold spaces and parentheses).
     */
    static double cpuMillis(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        // fields[0] is field 3 (state); utime is field 14, stime field 15
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * TICK_MILLIS;
    }

    /**
     * Returns the CPU time per kind of thread, largest first.
     *
     * @return kind to milliseconds
     */
    public Map<String, Double> millisByKind() {
        Map<String, Double> out = new LinkedHashMap<>();
        byKind.entrySet().stream()
                .sorted((a, b) -> Double.compare(b.getValue()[0], a.getValue()[0]))
                .forEach(e -> out.put(e.getKey(), e.getValue()[0]));
        return Collections.unmodifiableMap(out);
    }

    /**
     * Returns how many threads of each kind the process had.
     *
     * @return kind to count
     */
    public Map<String, Integer> threadsByKind() {
        Map<String, Integer> out = new TreeMap<>();
        byKind.forEach((k, v) -> out.put(k, (int) v[1]));
        return Collections.unmodifiableMap(out);
    }

    /**
     * Returns the CPU time each kind of thread used since an earlier snapshot (a kind whose threads
     * ended in between may come out negative and is left out).
     *
     * @param earlier the earlier snapshot
     * @return kind to milliseconds, largest first
     */
    public Map<String, Double> millisSince(ThreadCpuTimes earlier) {
        Map<String, Double> now = millisByKind();
        Map<String, Double> before = earlier.millisByKind();
        Map<String, Double> out = new LinkedHashMap<>();
        now.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0.0)))
                .filter(e -> e.getValue() > 0)
                .sorted((a, b) -> Double.compare(b.getValue(), a.getValue()))
                .forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }
}
