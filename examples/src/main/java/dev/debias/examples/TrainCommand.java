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
import dev.debias.train.OptimizerConfig;
import dev.debias.train.TrainingConfig;
import dev.debias.train.TrainingResult;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
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
        return "train --method {erm,gdro,lff,jtt} [--dataset cmnist|DIR] [--conflict-pct P] [--severity S]\n"
                + "        [--iterations N | --epochs E] [--batch-size B] [--lr LR] [--weight-decay WD] [--eval-every K]\n"
                + "        [--valid-fraction F] [--backbone mlp|mlp-disent|cnn|resnet18-small] [--seed S]\n"
                + "        [--sampler default|shuffle|group-balanced] [--eta E] [--q Q] [--ema-alpha A]\n"
                + "        [--identification-epochs T+1] [--upweight L|auto]\n"
                + "        [--selection auto|worst-group|unbiased|average|worst-class|last]\n"
                + "        [--out DIR] [--resume | --overwrite] [--allow-synthetic] [--quiet]";
    }

    /** {@inheritDoc} */
    @Override
    public void run(String[] args) throws Exception {
        CliArguments a = new CliArguments(name(), args, Set.of("resume", "allow-synthetic", "quiet", "overwrite"));
        String method = a.get("method", null);
        if (method == null) {
            throw new CliException("--method is required; one of " + String.join(", ", Methods.NAMES));
        }
        if (!Methods.NAMES.contains(method)) {
            throw new CliException("unknown method '" + method + "'; known: " + String.join(", ", Methods.NAMES));
        }
        RunSettings settings = RunSettings.parse(method, a, 23_500, false);
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
            TrainingConfig training = settings.training(out.resolve(CHECKPOINTS), console);
            try (DebiasTrainer trainer =
                    Methods.create(
                            method,
                            training,
                            settings.options(),
                            train.hasGroupLabels()
                                    ? 100.0 * conflictingCount(train) / train.size()
                                    : settings.conflictPercent(),
                            () -> Backbones.create(settings.backbone(), numClasses, sample),
                            new Shape(1).addAll(sample))) {
                TrainingResult result = trainer.fit(train, validation);
                GroupMetrics testMetrics = trainer.evaluate(test);
                JsonObject json = new JsonObject();
                json.addProperty("method", method);
                json.addProperty("dataset", data.description());
                json.addProperty("dataSource", data.source().name().toLowerCase(Locale.ROOT));
                json.addProperty("backbone", settings.backbone());
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
                if (trainer instanceof dev.debias.train.JttTrainer jtt) {
                    json.addProperty("errorSetSize", jtt.errorSet().length);
                    json.addProperty("upweight", jtt.upweight());
                    if (train.hasGroupLabels()) {
                        json.add("errorSetComposition", errorSetComposition(train, jtt.errorSet()));
                    }
                }
                GroupMetricsReport.writeJson(out.resolve("metrics.json"), json);
                if (console) {
                    System.out.println("test metrics of the final " + method + " model:");
                    System.out.println(new GroupMetricsReport(testMetrics).toTable());
                }
                return new Outcome(json, result, testMetrics);
            }
        }
    }

    /**
     * Describes how well JTT's error set finds the bias-conflicting training samples: how many of
     * them it holds, its precision and its recall (each left out when undefined).
     */
    private static JsonObject errorSetComposition(GroupedArrayDataset train, long[] errorSet) {
        GroupSpec spec = train.groupSpec();
        int[] groups = train.groups();
        long conflicting = conflictingCount(train);
        long found = java.util.Arrays.stream(errorSet).filter(i -> spec.isConflicting(groups[(int) i])).count();
        JsonObject json = new JsonObject();
        json.addProperty("conflicting", found);
        json.addProperty("trainingConflicting", conflicting);
        if (errorSet.length > 0) {
            json.addProperty("precision", (double) found / errorSet.length);
        }
        if (conflicting > 0) {
            json.addProperty("recall", (double) found / conflicting);
        }
        return json;
    }

    /** Counts the bias-conflicting samples of a dataset whose groups are known. */
    private static long conflictingCount(GroupedArrayDataset dataset) {
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

    /** Settings shared by {@code train} and {@code demo}. */
    record RunSettings(
            String dataset,
            double conflictPercent,
            int severity,
            long seed,
            long iterations,
            int epochs,
            int batchSize,
            float learningRate,
            float weightDecay,
            long evaluateEvery,
            double validationFraction,
            String backbone,
            ModelSelection selection,
            boolean resume,
            boolean allowSynthetic,
            MethodOptions options) {

        static RunSettings parse(String method, CliArguments a, long defaultIterations, boolean syntheticAllowed) {
            long iterations = a.getLong("iterations", 0);
            long epochs = a.getLong("epochs", 0);
            if (iterations > 0 && epochs > 0) {
                throw new CliException("give either --iterations or --epochs, not both");
            }
            if (iterations < 0 || epochs < 0) {
                throw new CliException("--iterations and --epochs must be positive");
            }
            if (iterations == 0 && epochs == 0) {
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
                    (int) epochs,
                    (int) a.getLong("batch-size", 256),
                    (float) a.getDouble("lr", 1e-3),
                    weightDecay(a.getDouble("weight-decay", 0)),
                    a.getLong("eval-every", 235),
                    a.getDouble("valid-fraction", 0.1),
                    a.get("backbone", "mlp"),
                    parseSelection(a.get("selection", "auto")),
                    a.has("resume"),
                    syntheticAllowed || a.has("allow-synthetic"),
                    MethodOptions.parse(method, a));
        }

        private static float weightDecay(double value) {
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

        TrainingConfig training(Path checkpoints, boolean progressBar) {
            TrainingConfig.Builder b =
                    TrainingConfig.builder()
                            .optOptimizer(OptimizerConfig.adam(learningRate).optWeightDecay(weightDecay).build())
                            .optBatchSize(batchSize)
                            .optEvaluateEvery(evaluateEvery)
                            .optModelSelection(selection)
                            .optCheckpointDir(checkpoints)
                            .optResume(resume)
                            .optSeed(seed)
                            .optProgressBar(progressBar);
            if (epochs > 0) {
                b.setEpochs(epochs);
            } else {
                b.setIterations(iterations);
            }
            return b.build();
        }
    }
}
