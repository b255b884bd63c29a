package dev.debias.examples;

import dev.debias.device.DebiasEnvironment;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Runs the demo's methods in child JVMs, several at a time, each at one intra-op thread: DJL lets
 * one process collect gradients for only one training at a time, and on two cores two one-thread
 * runs side by side finish sooner than the same runs one after the other at two threads (a step
 * this small gains little from a second intra-op thread). Each child is {@code debias demo --only
 * METHOD} with the parent's demo options, so it trains exactly what the in-process demo trains;
 * its console output goes to {@code <method>/demo.log} and is printed when it ends.
 */
final class DemoLanes {

    /** The child's log, inside the method's run folder. */
    static final String LOG = "demo.log";

    private static final String THREADS = DebiasEnvironment.INTRA_OP_THREADS;
    private static final String INTEROP_THREADS = DebiasEnvironment.INTER_OP_THREADS;

    private DemoLanes() {}

    /**
     * Runs every method in a child process, {@code jobs} at a time, and waits for all.
     *
     * @param methods the methods, longest first for the best packing
     * @param demoArgs the parent's demo options (without {@code --jobs} and {@code --only})
     * @param out the demo's output folder
     * @param jobs how many children run at once
     * @throws IOException if a child cannot start
     * @throws CliException naming every method whose child failed, with its log's end
     */
    static void run(List<String> methods, List<String> demoArgs, Path out, int jobs) throws IOException {
        Files.createDirectories(out);
        ExecutorService pool = Executors.newFixedThreadPool(jobs);
        Map<String, String> failures = new ConcurrentHashMap<>();
        List<Process> children = new ArrayList<>();
        try {
            List<Future<?>> done = new ArrayList<>();
            for (String method : methods) {
                done.add(pool.submit(() -> {
                    runOne(method, demoArgs, out, children, failures);
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the demo's runs were going", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            synchronized (children) {
                children.forEach(Process::destroy);
            }
            pool.shutdownNow();
        }
        if (!failures.isEmpty()) {
            StringBuilder sb = new StringBuilder("the demo's run of " + String.join(", ", failures.keySet()) + " failed");
            failures.forEach((m, tail) -> sb.append(System.lineSeparator()).append(m).append(": ").append(tail));
            throw new CliException(sb.toString());
        }
    }

    private static void runOne(String method, List<String> demoArgs, Path out, List<Process> children,
            Map<String, String> failures) throws IOException, InterruptedException {
        Path runDir = out.resolve(method);
        Files.createDirectories(runDir);
        Path log = runDir.resolve(LOG);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!arg.startsWith("-D" + THREADS) && !arg.startsWith("-D" + INTEROP_THREADS)) {
                command.add(arg);
            }
        }
        // DJL's settings (offline, engine) may have been set in this process rather than on its command line.
        for (String key : System.getProperties().stringPropertyNames()) {
            if (key.startsWith("ai.djl.") && !key.equals(THREADS) && !key.equals(INTEROP_THREADS)) {
                command.add("-D" + key + "=" + System.getProperty(key));
            }
        }
        command.add("-D" + THREADS + "=1");
        command.add("-D" + INTEROP_THREADS + "=1");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(DebiasCli.class.getName());
        command.add("demo");
        command.addAll(demoArgs);
        command.add("--only");
        command.add(method);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("OMP_NUM_THREADS", "1");
        long started = System.nanoTime();
        Process child;
        synchronized (children) {
            child = builder.start();
            children.add(child);
        }
        // SIGINT from a terminal reaches the children too; a SIGTERM to this process only is passed on.
        while (!child.waitFor(200, TimeUnit.MILLISECONDS)) {
            if (StopOnSignal.request().isRequested()) {
                child.destroy();
            }
        }
        int code = child.exitValue();
        String text = Files.readString(log, StandardCharsets.UTF_8);
        synchronized (DemoLanes.class) {
            System.out.println();
            System.out.printf(java.util.Locale.ROOT, "=== %s === (%.0f s, in its own process)%n", method,
                    (System.nanoTime() - started) / 1e9);
            System.out.print(text);
            System.out.flush();
        }
        if (code != 0) {
            List<String> lines = text.lines().toList();
            failures.put(method, "exit code " + code + ": "
                    + String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size())));
        }
    }

    /**
     * Returns the default number of runs at once: two on a machine with two or more cores.
     *
     * @return the number
     */
    static int defaultJobs() {
        return Math.min(2, Runtime.getRuntime().availableProcessors());
    }
}
