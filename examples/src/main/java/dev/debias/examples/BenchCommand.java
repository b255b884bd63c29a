package dev.debias.examples;

import ai.djl.ndarray.types.Shape;

import com.google.gson.JsonObject;

import dev.debias.data.GroupedArrayDataset;
import dev.debias.data.GroupedSplits;
import dev.debias.examples.profile.StepProfiler;
import dev.debias.model.Backbones;
import dev.debias.train.DebiasTrainer;
import dev.debias.train.ModelSelection;
import dev.debias.train.TrainingResult;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code debias bench}: times training steps of one method on its benchmark dataset ({@link
 * MethodEntry#benchDataset()}: Colored MNIST 1 %, MNIST-Correlation for CAMEL) with the method's
 * default backbone at its batch size on the chosen device (or CAMEL's stage-1 CycleGAN step,
 * {@code --method cyclegan}), after a warm-up of 50 steps (of the phase
 * {@link MethodEntry#benchPhase()} names, the other phases shortened by {@link
 * MethodEntry#benchOptions(long)}), and prints resident memory
 * (peak, and at 10 % and 100 % of the run, to show it stays flat), the arrays the model's manager
 * holds at the end, and as its last line {@code ms_per_iteration: X}. With {@code --profile DIR} it
 * profiles the step instead ({@link StepProfiler}).
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Times training steps (Colored MNIST 1 %%, MNIST-Correlation for camel and cyclegan; the method's default backbone), prints memory and ms_per_iteration.")
public final class BenchCommand implements Callable<Integer> {

    /** The name of CAMEL's stage-1 CycleGAN step, which is not a registered method. */
    static final String CYCLEGAN = "cyclegan";

    @Spec
    private CommandSpec spec;

    @Option(names = "--method", required = true, paramLabel = "METHOD", description = "the method (listed below)")
    private String method;

    @Option(names = "--iterations", paramLabel = "N", description = "timed steps after 50 warm-up steps (default: ${DEFAULT-VALUE})")
    private long iterations = 1000;

    @Option(names = "--batch-size", paramLabel = "B", description = "batch size (default: the method's: 256, camel 100, cyclegan 25 per domain)")
    private Integer batchSize;

    @Option(names = "--backbone", paramLabel = "NAME", description = "the network (default: the method's)")
    private String backbone;

    @Option(
            names = "--profile",
            paramLabel = "DIR",
            description = "instead: profile the step under libtorch's profiler (runs of N and 2N timed steps, N = --iterations) "
                    + "and write profile.md and profile.json into DIR (absent or empty)")
    private Path profile;

    @Option(names = "--keep-traces", description = "with --profile: keep libtorch's two traces (large) beside the report")
    private boolean keepTraces;

    /** {@inheritDoc} */
    @Override
    public Integer call() throws Exception {
        if (iterations < 1) {
            throw new CliException("--iterations must be >= 1, got " + iterations);
        }
        if (batchSize != null && batchSize < 1) {
            throw new CliException("--batch-size must be >= 1, got " + batchSize);
        }
        if (!CYCLEGAN.equals(method)) {
            MethodRegistry.get(method); // an unknown method fails here, before any folder is made
        }
        if (profile == null) {
            run(iterations);
            return 0;
        }
        OutputFolders.requireAbsentOrEmpty(profile, "--profile");
        JsonObject report = StepProfiler.profile(
                profile, iterations, method + (backbone != null ? ", " + backbone : ""), keepTraces, this::run);
        System.out.printf(
                Locale.ROOT,
                "profile: %.3f ms per step without the profiler, %.3f ms under it, %.1f native ops per step; wrote %s%n",
                report.get("stepMillisWithoutProfiler").getAsDouble(),
                report.get("stepMillisUnderProfiler").getAsDouble(),
                report.get("nativeOps").getAsDouble(),
                profile.resolve("profile.md"));
        return 0;
    }

    /** Runs the benchmark with {@code timed} steps after the warm-up, prints its lines, returns ms per step. */
    private double run(long timed) throws Exception {
        long steps = timed + 50;
        if (CYCLEGAN.equals(method)) {
            return CycleGanBench.run(steps, batchSize != null ? batchSize : 25);
        }
        MethodEntry entry = MethodRegistry.get(method);
        int batchSize = this.batchSize != null ? this.batchSize : entry.benchBatchSize();
        String dataset = entry.benchDataset();
        String network = backbone != null ? backbone : ExperimentData.defaultBackbone(dataset, entry.defaultBackbone());
        Map<String, String> options = new LinkedHashMap<>(entry.benchOptions(steps));
        options.putAll(MethodOptions.read(spec, method));
        String timedPhase = entry.benchPhase();
        long reportedSteps = timedPhase.equals(entry.reportedPhase()) ? steps : 1;
        ExperimentData.Loaded data = ExperimentData.load(dataset, 1.0, 4, 0, 0.1, true);
        System.out.println("data: " + data.description());
        try (data;
                ResidentMemory rss = new ResidentMemory(200)) {
            GroupedSplits splits = data.splits();
            GroupedArrayDataset train = splits.train();
            GroupedArrayDataset validation = splits.validation().orElseThrow();
            Shape sample = train.sampleShape();
            TrainingOverrides training =
                    new TrainingOverrides(
                            reportedSteps, null, batchSize, null, null, reportedSteps, ModelSelection.LAST, 0, null, false, false);
            try (DebiasTrainer trainer =
                    entry.create(
                            new MethodEntry.Request(
                                    training, options, 1.0,
                                    () -> Backbones.create(network, train.groupSpec().numClasses(), sample), new Shape(1).addAll(sample),
                                    dataset, data, null))) {
                trainer.fit(train, validation);
                TrainingResult result =
                        trainer.phaseResult(timedPhase)
                                .orElseThrow(() -> new IllegalStateException(method + " has no phase " + timedPhase + " to time"));
                int arrays = trainer.reportedModel().model().getNDManager().getManagedArrays().size();
                System.out.printf(
                        Locale.ROOT, "method: %s, phase: %s, backbone: %s, device: %s, batch: %d%n",
                        method, timedPhase, network, trainer.device(), batchSize);
                System.out.printf(
                        Locale.ROOT,
                        "steps timed: %d after %d warm-up steps%n",
                        result.timing().measuredSteps(),
                        result.timing().warmupSteps());
                System.out.println(rss.report());
                System.out.printf(Locale.ROOT, "arrays held by the model's manager: %d%n", arrays);
                System.out.printf(Locale.ROOT, "ms_per_iteration: %.3f%n", result.timing().millisPerStep());
                return result.timing().millisPerStep();
            }
        }
    }
}
