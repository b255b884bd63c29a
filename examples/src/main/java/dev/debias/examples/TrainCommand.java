package dev.debias.examples;

import ai.djl.ndarray.types.Shape;

import com.google.gson.JsonObject;

import dev.debias.data.GroupSpec;
import dev.debias.data.GroupedArrayDataset;
import dev.debias.data.GroupedSplits;
import dev.debias.metrics.GroupMetrics;
import dev.debias.metrics.GroupMetricsReport;
import dev.debias.model.Backbones;
import dev.debias.train.DebiasTrainer;
import dev.debias.train.ModelSelection;
import dev.debias.train.TrainingResult;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code debias train}: trains one method on Colored MNIST or a folder-layout dataset and writes
 * {@code DIR/metrics.json} with the final model's {@code validation} and {@code test} metrics,
 * the selected evaluation, and the run's settings.
 */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Trains one method on Colored MNIST or a folder-layout dataset and writes DIR/metrics.json,",
            "checkpoints and history. Training settings not given are the method's Colored MNIST preset."
        })
public final class TrainCommand implements Callable<Integer> {

    /** The folder of a run's checkpoints and history inside its output folder. */
    static final String CHECKPOINTS = "checkpoints";

    /** The final model's per-group test table (text) inside a run's output folder. */
    static final String TEST_TABLE = "test-groups.txt";

    /** The final model's per-group test metrics (CSV). */
    static final String TEST_CSV = "test-groups.csv";

    /** The PNG of the per-group validation curves. */
    static final String CURVES = "validation-curves.png";

    @Spec
    private CommandSpec spec;

    @Option(names = "--method", required = true, paramLabel = "METHOD", description = "the method (listed below)")
    private String method;

    @Mixin
    private RunOptions run;

    @Option(names = "--out", paramLabel = "DIR", description = "output folder (default: runs/<method>-<dataset>-<pct>-s<seed>)")
    private Path out;

    @Option(names = "--overwrite", description = "delete the output folder's checkpoints first")
    private boolean overwrite;

    /** {@inheritDoc} */
    @Override
    public Integer call() throws Exception {
        MethodRegistry.get(method);
        RunSettings settings = run.settings(null, false, MethodOptions.read(spec, method));
        Path target = out != null ? out : Paths.get("runs/" + method + "-" + settings.tag());
        if (overwrite && settings.resume()) {
            throw new CliException("give either --resume or --overwrite, not both");
        }
        if (overwrite) {
            dev.debias.io.AtomicFiles.deleteRecursively(target.resolve(CHECKPOINTS));
        }
        Outcome outcome = train(method, settings, target, !run.quiet, commandLine(spec));
        if (!run.quiet) {
            System.out.println("test metrics of the final " + method + " model:");
            System.out.println(new GroupMetricsReport(outcome.test()).toTable());
        }
        System.out.println("metrics written to " + target.resolve("metrics.json") + "; per-group table "
                + target.resolve(TEST_TABLE) + ", validation curves " + target.resolve(CURVES));
        return 0;
    }

    /**
     * Trains one method and writes {@code out/metrics.json}.
     *
     * @param method the method name
     * @param settings the run settings
     * @param out the output directory
     * @param console whether to print the progress bar and tables
     * @param commandLine the command line, for the run's manifest
     * @return the metrics written, the training result and the test metrics
     * @throws Exception on failure
     */
    static Outcome train(String method, RunSettings settings, Path out, boolean console, List<String> commandLine)
            throws Exception {
        RunManifest manifest = new RunManifest(commandLine);
        checkOutput(out);
        RunClock clock = new RunClock();
        ExperimentData.Loaded data = settings.loadData();
        clock.lap("data");
        if (console) {
            System.out.println("data: " + data.description());
        }
        try (data) {
            GroupedSplits splits = data.splits();
            GroupedArrayDataset train = splits.train();
            GroupedArrayDataset validation =
                    splits.validation()
                            .orElseThrow(() -> new CliException(
                                    "the dataset has no validation split: it needs a valid/ folder"
                                            + " (bin/debias dataset ... --valid-fraction 0.1 writes one)"));
            GroupedArrayDataset test =
                    splits.test().orElseThrow(() -> new CliException("the dataset has no test split"));
            Shape sample = train.sampleShape();
            int numClasses = train.groupSpec().numClasses();
            MethodEntry entry = MethodRegistry.get(method);
            String backbone =
                    settings.backbone() != null
                            ? settings.backbone()
                            : ExperimentData.defaultBackbone(settings.dataset(), entry.defaultBackbone());
            try (DebiasTrainer trainer =
                    entry
                            .create(
                                    new MethodEntry.Request(
                                            settings.training(out.resolve(CHECKPOINTS), console),
                                            settings.options(),
                                            train.hasGroupLabels()
                                                    ? 100.0 * conflictingCount(train) / train.size()
                                                    : settings.conflictPercent(),
                                            () -> Backbones.create(backbone, numClasses, sample),
                                            new Shape(1).addAll(sample),
                                            settings.dataset(),
                                            data,
                                            out))) {
                entry.beforeFit(trainer, test);
                clock.lap("setup");
                TrainingResult result = trainer.fit(train, validation);
                clock.lap("training");
                GroupMetrics testMetrics = trainer.evaluate(test);
                JsonObject json = new JsonObject();
                json.addProperty("method", method);
                json.addProperty("dataset", data.description());
                json.addProperty("dataSource", data.source().name().toLowerCase(Locale.ROOT));
                json.addProperty("backbone", backbone);
                json.addProperty("seed", settings.seed());
                json.addProperty("steps", result.steps());
                json.add("settings", trainer.describe());
                json.add("data", settings.describeData());
                if (!settings.options().isEmpty()) {
                    json.add("methodOptions", new com.google.gson.Gson().toJsonTree(new java.util.TreeMap<>(settings.options())));
                }
                json.addProperty("validationSplit", settings.validationDescription(data.source()));
                json.add("validation", new GroupMetricsReport(result.finalValidation()).toJsonObject());
                json.add("test", new GroupMetricsReport(testMetrics).toJsonObject());
                JsonObject selection = new JsonObject();
                selection.addProperty("rule", result.selection().name());
                selection.addProperty("step", result.selected().step());
                selection.add("validation", new GroupMetricsReport(result.selectedValidation()).toJsonObject());
                if (result.selectedCheckpoint().isPresent() && result.selected().step() != result.steps()) {
                    // The final model has been evaluated; now restore the selected one in place.
                    dev.debias.io.CheckpointDirectories.verify(result.selectedCheckpoint().get());
                    trainer.reportedModel().loadParameters(result.selectedCheckpoint().get());
                    selection.add("test", new GroupMetricsReport(trainer.evaluate(test)).toJsonObject());
                } else {
                    selection.add("test", json.get("test"));
                }
                json.add("selection", selection);
                clock.lap("test");
                json.addProperty("msPerIteration", result.timing().millisPerStep());
                entry.addMetrics(trainer, train, json);
                json.add("manifest", manifest.toJson(trainer.device()));
                GroupMetricsReport report = new GroupMetricsReport(testMetrics);
                report.writeTable(out.resolve(TEST_TABLE));
                report.writeCsv(out.resolve(TEST_CSV));
                RunCharts.writeValidationCurves(out.resolve(CURVES), method, trainer.history());
                json.add("timing", clock.finish(trainer.timing(), settings.resume()));
                GroupMetricsReport.writeJson(out.resolve("metrics.json"), json);
                return new Outcome(json, result, testMetrics);
            }
        }
    }

    /** Counts the bias-conflicting samples of a dataset whose groups are known. */
    static long conflictingCount(GroupedArrayDataset dataset) {
        GroupSpec spec = dataset.groupSpec();
        return java.util.Arrays.stream(dataset.groups()).filter(spec::isConflicting).count();
    }

    /**
     * Fails before any training when the run could not write its results: the output folder is a
     * file or not writable, or {@code metrics.json} there is not a file.
     */
    private static void checkOutput(Path out) throws java.io.IOException {
        if (java.nio.file.Files.exists(out) && !java.nio.file.Files.isDirectory(out)) {
            throw new CliException("--out " + out + " is a file, not a folder");
        }
        Path metrics = out.resolve("metrics.json");
        if (java.nio.file.Files.exists(metrics) && !java.nio.file.Files.isRegularFile(metrics)) {
            throw new CliException(metrics + " exists and is not a file; the run could not write its metrics");
        }
        try {
            java.nio.file.Files.createDirectories(out);
            java.nio.file.Files.delete(java.nio.file.Files.createTempFile(out, ".write-check", ".tmp"));
        } catch (java.io.IOException e) {
            throw new CliException("cannot write into --out " + out + ": " + e.getMessage());
        }
    }

    /** Returns {@code debias <command> <arguments>} as typed. */
    static List<String> commandLine(CommandSpec spec) {
        List<String> line = new java.util.ArrayList<>(List.of("debias"));
        line.addAll(spec.commandLine().getParseResult().originalArgs());
        return line;
    }

    /**
     * What one training run produced.
     *
     * @param metrics the content of {@code metrics.json}
     * @param result the training result with the validation history
     * @param test the final model's test metrics
     */
    record Outcome(JsonObject metrics, TrainingResult result, GroupMetrics test) {}

    /**
     * Settings shared by {@code train}, {@code demo} and {@code reproduce}; the training settings
     * and method options are null where the method's preset applies.
     */
    record RunSettings(
            String dataset,
            double conflictPercent,
            int severity,
            long seed,
            Long iterations,
            Integer epochs,
            Integer batchSize,
            Float learningRate,
            Float weightDecay,
            Long evaluateEvery,
            double validationFraction,
            String backbone,
            ModelSelection selection,
            boolean resume,
            boolean allowSynthetic,
            Map<String, String> options) {

        String tag() {
            return ExperimentData.COLORED_MNIST.equals(dataset)
                    ? String.format(Locale.ROOT, "cmnist-%spct-s%d", trimmed(conflictPercent), seed)
                    : Paths.get(dataset).getFileName() + "-s" + seed;
        }

        private static String trimmed(double v) {
            return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
        }

        ExperimentData.Loaded loadData() throws java.io.IOException {
            return ExperimentData.load(dataset, conflictPercent, severity, seed, validationFraction, allowSynthetic);
        }

        String validationDescription(ExperimentData.Source source) {
            if (source == ExperimentData.Source.CSV) {
                return "rows of split 1 of the metadata CSV";
            }
            if (source == ExperimentData.Source.FOLDER) {
                return "valid/ folder of the dataset";
            }
            if (source == ExperimentData.Source.MNIST_CORRELATION) {
                return "half of every group, from the second half of MNIST's training split (CAMEL's validation_frac 0.5)";
            }
            return String.format(
                    Locale.ROOT,
                    "%.0f%% of the MNIST training images, held out before colouring, unbiased colours",
                    validationFraction * 100);
        }

        /** The data settings of the run as JSON values. */
        JsonObject describeData() {
            JsonObject json = new JsonObject();
            json.addProperty("dataset", dataset);
            if (ExperimentData.COLORED_MNIST.equals(dataset)) {
                json.addProperty("conflictPercent", conflictPercent);
                json.addProperty("severity", severity);
                json.addProperty("validationFraction", validationFraction);
            }
            json.addProperty("seed", seed);
            return json;
        }

        RunSettings withIterations(long steps, long evaluateEvery) {
            return new RunSettings(
                    dataset, conflictPercent, severity, seed, steps, epochs, batchSize, learningRate, weightDecay,
                    evaluateEvery, validationFraction, backbone, selection, resume, allowSynthetic, options);
        }

        RunSettings withOptions(Map<String, String> methodOptions) {
            Map<String, String> merged = new LinkedHashMap<>(methodOptions);
            merged.putAll(options);
            return new RunSettings(
                    dataset, conflictPercent, severity, seed, iterations, epochs, batchSize, learningRate, weightDecay,
                    evaluateEvery, validationFraction, backbone, selection, resume, allowSynthetic, merged);
        }

        TrainingOverrides training(Path checkpoints, boolean progressBar) {
            return new TrainingOverrides(
                    iterations, epochs, batchSize, learningRate, weightDecay, evaluateEvery, selection, seed,
                    checkpoints, resume, progressBar);
        }
    }
}
