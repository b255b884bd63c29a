package dev.debias.examples;

import ai.djl.ndarray.types.Shape;

import com.google.gson.JsonObject;

import dev.debias.data.GroupSpec;
import dev.debias.data.GroupedArrayDataset;
import dev.debias.metrics.GroupMetrics;
import dev.debias.metrics.GroupMetricsReport;
import dev.debias.model.Backbones;
import dev.debias.train.DebiasTrainer;
import dev.debias.train.ModelSelection;
import dev.debias.train.TrainingResult;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code debias train}: trains one method on Colored MNIST or a folder-layout dataset and writes
 * {@code DIR/metrics.json} with the final model's {@code validation} and {@code test} metrics,
 * the selected evaluation, and the run's settings.
 */
public final class TrainCommand implements Command {

    /** The folder of a run's checkpoints and history inside its output folder. */
    static final String CHECKPOINTS = "checkpoints";

    /** {@inheritDoc} */
    @Override
    public String name() {
        return "train";
    }

    /** {@inheritDoc} */
    @Override
    public String usage() {
        StringBuilder sb =
                new StringBuilder("train --method {" + String.join(",", MethodRegistry.names()) + "}")
                        .append(" [--dataset cmnist|DIR] [--conflict-pct P] [--severity S]\n")
                        .append("        [--iterations N | --epochs E] [--batch-size B] [--lr LR] [--weight-decay WD]")
                        .append(" [--eval-every K]\n")
                        .append("        [--valid-fraction F] [--backbone ").append(String.join("|", Backbones.NAMES))
                        .append("] [--seed S]\n")
                        .append("        [--selection auto|worst-group|unbiased|average|worst-class|last]\n")
                        .append("        [--out DIR] [--resume | --overwrite] [--allow-synthetic] [--quiet]\n")
                        .append("        training settings not given are the method's Colored MNIST preset; method options:");
        for (MethodEntry entry : MethodRegistry.entries()) {
            entry.options().forEach((option, help) ->
                    sb.append("\n          ").append(entry.name()).append(": --").append(option).append(' ').append(help));
        }
        return sb.toString();
    }

    /** {@inheritDoc} */
    @Override
    public void run(String[] args) throws Exception {
        CliArguments a = new CliArguments(name(), args, Set.of("resume", "allow-synthetic", "quiet", "overwrite"));
        String method = a.get("method", null);
        if (method == null) {
            throw new CliException("--method is required; one of " + String.join(", ", MethodRegistry.names()));
        }
        MethodRegistry.get(method);
        RunSettings settings = RunSettings.parse(method, a, null, false);
        Path out = Paths.get(a.get("out", "runs/" + method + "-" + settings.tag()));
        boolean quiet = a.has("quiet");
        boolean overwrite = a.has("overwrite");
        a.rejectUnknown();
        if (overwrite && settings.resume()) {
            throw new CliException("give either --resume or --overwrite, not both");
        }
        if (overwrite) {
            dev.debias.io.AtomicFiles.deleteRecursively(out.resolve(CHECKPOINTS));
        }
        train(method, settings, out, !quiet);
        System.out.println("metrics written to " + out.resolve("metrics.json"));
    }

    /**
     * Trains one method and writes {@code out/metrics.json}.
     *
     * @param method the method name
     * @param settings the run settings
     * @param out the output directory
     * @param console whether to print the progress bar and tables
     * @return the metrics written, the training result and the test metrics
     * @throws Exception on failure
     */
    static Outcome train(String method, RunSettings settings, Path out, boolean console) throws Exception {
        ExperimentData.Loaded data = settings.loadData();
        if (console) {
            System.out.println("data: " + data.description());
        }
        try (var splits = data.splits()) {
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
            String backbone = settings.backbone() != null ? settings.backbone() : entry.defaultBackbone();
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
                                            new Shape(1).addAll(sample)))) {
                entry.beforeFit(trainer, test);
                TrainingResult result = trainer.fit(train, validation);
                GroupMetrics testMetrics = trainer.evaluate(test);
                JsonObject json = new JsonObject();
                json.addProperty("method", method);
                json.addProperty("dataset", data.description());
                json.addProperty("dataSource", data.source().name().toLowerCase(Locale.ROOT));
                json.addProperty("backbone", backbone);
                json.addProperty("seed", settings.seed());
                json.addProperty("steps", result.steps());
                json.add("settings", trainer.describe());
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
                json.addProperty("msPerIteration", result.timing().millisPerStep());
                entry.addMetrics(trainer, train, json);
                GroupMetricsReport.writeJson(out.resolve("metrics.json"), json);
                if (console) {
                    System.out.println("test metrics of the final " + method + " model:");
                    System.out.println(new GroupMetricsReport(testMetrics).toTable());
                }
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

        static RunSettings parse(String method, CliArguments a, Long defaultIterations, boolean syntheticAllowed) {
            Long iterations = a.has("iterations") ? a.getLong("iterations", 0) : null;
            Integer epochs = a.has("epochs") ? (int) a.getLong("epochs", 0) : null;
            if (iterations != null && epochs != null) {
                throw new CliException("give either --iterations or --epochs, not both");
            }
            if ((iterations != null && iterations < 1) || (epochs != null && epochs < 1)) {
                throw new CliException("--iterations and --epochs must be at least 1");
            }
            if (iterations == null && epochs == null) {
                iterations = defaultIterations;
            }
            double pct = a.getDouble("conflict-pct", 1.0);
            if (!(pct > 0 && pct < 100)) {
                throw new CliException("--conflict-pct must be in (0, 100), got " + pct);
            }
            return new RunSettings(
                    a.get("dataset", ExperimentData.COLORED_MNIST),
                    pct,
                    (int) a.getLong("severity", 4),
                    a.getLong("seed", 0),
                    iterations,
                    epochs,
                    a.has("batch-size") ? (int) a.getLong("batch-size", 0) : null,
                    a.has("lr") ? (float) a.getDouble("lr", 0) : null,
                    a.has("weight-decay") ? weightDecay(a.getDouble("weight-decay", 0)) : null,
                    a.has("eval-every") ? a.getLong("eval-every", 0) : null,
                    a.getDouble("valid-fraction", 0.1),
                    a.get("backbone", null),
                    a.has("selection") ? parseSelection(a.get("selection", "auto")) : null,
                    a.has("resume"),
                    syntheticAllowed || a.has("allow-synthetic"),
                    methodOptions(method, a));
        }

        /** Reads the method's own options; an option of another method is refused, naming its owners. */
        static Map<String, String> methodOptions(String method, CliArguments a) {
            Map<String, String> options = new LinkedHashMap<>();
            for (Map.Entry<String, List<String>> e : MethodRegistry.optionOwners().entrySet()) {
                if (a.has(e.getKey())) {
                    if (!e.getValue().contains(method)) {
                        throw new CliException(
                                "--" + e.getKey() + " applies to " + String.join(", ", e.getValue()) + " only, not " + method);
                    }
                    options.put(e.getKey(), a.get(e.getKey(), null));
                }
            }
            return options;
        }

        private static Float weightDecay(double value) {
            if (!(value >= 0 && Double.isFinite(value))) {
                throw new CliException("--weight-decay must be a finite number >= 0, got " + value);
            }
            return (float) value;
        }

        private static ModelSelection parseSelection(String value) {
            for (ModelSelection rule : ModelSelection.values()) {
                if (rule.name().replace('_', '-').equalsIgnoreCase(value)) {
                    return rule;
                }
            }
            throw new CliException(
                    "--selection must be auto, worst-group, unbiased, average, worst-class or last, got '"
                            + value + "'");
        }

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
            if (source == ExperimentData.Source.FOLDER) {
                return "valid/ folder of the dataset";
            }
            return String.format(
                    Locale.ROOT,
                    "%.0f%% of the MNIST training images, held out before colouring, unbiased colours",
                    validationFraction * 100);
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
