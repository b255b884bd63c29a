package dev.debias.examples.profile;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;

import dev.debias.io.AtomicFiles;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * Profiles a benchmark's training step: runs it once without the profiler (which warms the
 * process up), then twice under
 * libtorch's profiler, with {@code n} and with {@code 2n} timed steps, and divides the difference of the two runs by {@code n}, so that
 * everything the two runs share (data, set-up, warm-up, the shortened other phases, the final
 * evaluation) cancels and what is left is one step: the calls and self time of every native
 * operation, the CPU time of every kind of thread, the bytes the training thread allocated, the
 * garbage collector's time, and the wall time (all under the profiler, whose own cost per
 * operation makes the step slower than {@code bench} measures it without; a last, unprofiled
 * run, in the warmed process, gives that time, to compare). Counts cancel exactly;
 * times of what both runs share cancel only up to their run-to-run spread, so {@code n} should
 * be in the hundreds for the times to mean something. PyTorch engine only.
 */
public final class StepProfiler {

    /** A benchmark that can run with any number of timed steps. */
    @FunctionalInterface
    public interface Bench {

        /**
         * Runs the benchmark.
         *
         * @param timedSteps the steps of the timed phase after its warm-up
         * @return the mean time of a timed step, in milliseconds
         * @throws Exception if the run fails
         */
        double run(long timedSteps) throws Exception;
    }

    /** The process-wide counters read before and after a run. */
    private record Counters(
            long wallNanos, long allocatedBytes, long gcCount, long gcMillis, long jitMillis, ThreadCpuTimes threads) {

        static Counters now() {
            long count = 0;
            long millis = 0;
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                count += Math.max(0, gc.getCollectionCount());
                millis += Math.max(0, gc.getCollectionTime());
            }
            long allocated = ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads
                    ? threads.getCurrentThreadAllocatedBytes()
                    : -1;
            long jit = ManagementFactory.getCompilationMXBean() != null
                    ? ManagementFactory.getCompilationMXBean().getTotalCompilationTime()
                    : -1;
            return new Counters(System.nanoTime(), allocated, count, millis, jit, ThreadCpuTimes.now());
        }
    }

    /** One profiled run: its trace, the counters' growth and its mean step time. */
    private record Run(NativeOpProfile ops, Counters before, Counters after, double stepMillis) {}

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();

    private StepProfiler() {}

    /**
     * Profiles a benchmark and writes {@code profile.md}, {@code profile.json} and, if asked, the
     * two traces ({@code trace-n.json}, {@code trace-2n.json}, for {@code chrome://tracing}; large)
     * into a folder, which appears complete or not at all.
     *
     * @param out the folder to write (absent or empty; the caller checks)
     * @param steps {@code n}, the timed steps of the shorter run
     * @param title what was profiled, for the report's heading
     * @param keepTraces whether the traces stay in the folder
     * @param bench the benchmark
     * @return the per-step figures written to {@code profile.json}
     * @throws Exception if a run fails or the folder cannot be written
     */
    public static JsonObject profile(Path out, long steps, String title, boolean keepTraces, Bench bench) throws Exception {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be >= 1, got " + steps);
        }
        if (!"PyTorch".equals(Engine.getInstance().getEngineName())) {
            throw new IllegalStateException(
                    "bench --profile uses libtorch's profiler; the engine is " + Engine.getInstance().getEngineName());
        }
        JsonObject[] report = new JsonObject[1];
        AtomicFiles.writeDirectory(out, dir -> {
            try {
                // one unprofiled run first, so class loading, JIT compilation and caches filled
                // once per process fall into neither of the two compared runs; the step's time
                // without the profiler comes from a last run in the warmed process
                bench.run(steps);
                Run shorter = profiled(bench, steps, dir.resolve("trace-n.json"));
                Run longer = profiled(bench, 2 * steps, dir.resolve("trace-2n.json"));
                double unprofiled = bench.run(steps);
                NativeOpProfile ops = longer.ops().perStepBeyond(shorter.ops(), steps);
                report[0] = perStep(title, steps, ops, shorter, longer);
                report[0].addProperty("stepMillisWithoutProfiler", unprofiled);
                report[0].addProperty("stepMillisUnderProfiler", longer.stepMillis());
                AtomicFiles.writeString(dir.resolve("profile.json"), GSON.toJson(report[0]) + "\n");
                AtomicFiles.writeString(dir.resolve("profile.md"), markdown(report[0], ops));
                if (!keepTraces) {
                    Files.delete(dir.resolve("trace-n.json"));
                    Files.delete(dir.resolve("trace-2n.json"));
                }
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException("the profiled benchmark failed: " + e.getMessage(), e);
            }
        });
        return report[0];
    }

    private static Run profiled(Bench bench, long steps, Path trace) throws Exception {
        System.gc();
        Counters before = Counters.now();
        JniUtils.startProfile(false, false, false);
        double stepMillis;
        try {
            stepMillis = bench.run(steps);
        } finally {
            JniUtils.stopProfile(trace.toString());
        }
        Counters after = Counters.now();
        return new Run(NativeOpProfile.read(trace), before, after, stepMillis);
    }

    private static JsonObject perStep(String title, long steps, NativeOpProfile ops, Run shorter, Run longer) {
        NativeOpProfile.OpTotals total = ops.total();
        JsonObject json = new JsonObject();
        json.addProperty("profiled", title);
        json.addProperty("stepsN", steps);
        json.addProperty("method", "per step = (run of 2n timed steps - run of n) / n, both under libtorch's profiler");
        json.addProperty("wallMillis", (growth(longer, c -> c.wallNanos) - growth(shorter, c -> c.wallNanos)) / 1e6 / steps);
        json.addProperty("nativeOps", total.calls());
        json.addProperty("topLevelNativeOps", total.topLevelCalls());
        json.addProperty("nativeSelfMillis", total.selfMicros() / 1e3);
        json.addProperty("allocatedKbTrainingThread", (growth(longer, c -> c.allocatedBytes) - growth(shorter, c -> c.allocatedBytes)) / 1024.0 / steps);
        json.addProperty("gcMillis", (double) (growth(longer, c -> c.gcMillis) - growth(shorter, c -> c.gcMillis)) / steps);
        json.addProperty("gcCollectionsPer1000Steps", 1000.0 * (growth(longer, c -> c.gcCount) - growth(shorter, c -> c.gcCount)) / steps);
        json.addProperty("jitMillis", (double) (growth(longer, c -> c.jitMillis) - growth(shorter, c -> c.jitMillis)) / steps);
        JsonObject threads = new JsonObject();
        Map<String, Double> longCpu = longer.after().threads().millisSince(longer.before().threads());
        Map<String, Double> shortCpu = shorter.after().threads().millisSince(shorter.before().threads());
        double cpu = 0;
        for (Map.Entry<String, Double> e : longCpu.entrySet()) {
            double perStep = (e.getValue() - shortCpu.getOrDefault(e.getKey(), 0.0)) / steps;
            threads.addProperty(e.getKey(), perStep);
            cpu += perStep;
        }
        json.addProperty("cpuMillis", cpu);
        json.add("cpuMillisByThreadKind", threads);
        JsonObject counts = new JsonObject();
        longer.after().threads().threadsByKind().forEach(counts::addProperty);
        json.add("threadsByKind", counts);
        JsonObject table = new JsonObject();
        ops.ops().forEach((name, t) -> {
            JsonObject op = new JsonObject();
            op.addProperty("calls", t.calls());
            op.addProperty("topLevelCalls", t.topLevelCalls());
            op.addProperty("selfMillis", t.selfMicros() / 1e3);
            op.addProperty("totalMillis", t.totalMicros() / 1e3);
            table.add(name, op);
        });
        json.add("ops", table);
        return json;
    }

    private static long growth(Run run, ToLongFunction<Counters> counter) {
        return counter.applyAsLong(run.after()) - counter.applyAsLong(run.before());
    }

    private static String markdown(JsonObject r, NativeOpProfile ops) {
        StringBuilder md = new StringBuilder();
        md.append("# Step profile: ").append(r.get("profiled").getAsString()).append("\n\n");
        md.append(String.format(Locale.ROOT,
                "Per step, from the difference of a run of %d and of %d timed steps, both under libtorch's profiler "
                        + "(which adds its own cost to every operation).%n%n",
                r.get("stepsN").getAsLong(), 2 * r.get("stepsN").getAsLong()));
        md.append(String.format(Locale.ROOT, "| figure | per step |%n|---|---:|%n"));
        row(md, "step time without the profiler (`bench`'s, first run)", "%.3f ms", r.get("stepMillisWithoutProfiler").getAsDouble());
        row(md, "step time under the profiler (`bench`'s, run of 2n)", "%.3f ms", r.get("stepMillisUnderProfiler").getAsDouble());
        row(md, "wall time, difference of the runs", "%.3f ms", r.get("wallMillis").getAsDouble());
        row(md, "CPU time, all threads", "%.3f ms", r.get("cpuMillis").getAsDouble());
        row(md, "native operations", "%.1f", r.get("nativeOps").getAsDouble());
        row(md, "of them top level (not inside another operation)", "%.1f", r.get("topLevelNativeOps").getAsDouble());
        row(md, "native self time, all operations", "%.3f ms", r.get("nativeSelfMillis").getAsDouble());
        row(md, "allocated on the training thread", "%.1f kB", r.get("allocatedKbTrainingThread").getAsDouble());
        row(md, "garbage collection", "%.3f ms", r.get("gcMillis").getAsDouble());
        row(md, "collections per 1,000 steps", "%.1f", r.get("gcCollectionsPer1000Steps").getAsDouble());
        row(md, "JIT compilation", "%.3f ms", r.get("jitMillis").getAsDouble());
        md.append("\n## CPU time by kind of thread\n\n| thread | threads | ms per step |\n|---|---:|---:|\n");
        JsonObject counts = r.getAsJsonObject("threadsByKind");
        r.getAsJsonObject("cpuMillisByThreadKind").entrySet().forEach(e -> md.append(String.format(Locale.ROOT,
                "| %s | %s | %.3f |%n", e.getKey(), counts.has(e.getKey()) ? counts.get(e.getKey()).getAsString() : "-",
                e.getValue().getAsDouble())));
        md.append("\n## Native operations\n\n| operation | calls | top level | self ms | total ms |\n|---|---:|---:|---:|---:|\n");
        ops.ops().forEach((name, t) -> md.append(String.format(Locale.ROOT, "| `%s` | %.1f | %.1f | %.3f | %.3f |%n",
                name, t.calls(), t.topLevelCalls(), t.selfMicros() / 1e3, t.totalMicros() / 1e3)));
        return md.toString();
    }

    private static void row(StringBuilder md, String name, String format, double value) {
        md.append("| ").append(name).append(" | ").append(String.format(Locale.ROOT, format, value)).append(" |\n");
    }
}
