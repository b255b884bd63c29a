package dev.debias.examples;

import dev.debias.train.ModelSelection;

import picocli.CommandLine.Option;

import java.util.Map;

/**
 * The data and training options {@code train}, {@code demo} share: each training setting left out
 * is the method's preset.
 */
final class RunOptions {

    @Option(names = "--dataset", paramLabel = "cmnist|mnist-correlation|DIR", description = "Colored MNIST, MNIST-Correlation, a folder layout or a metadata CSV (default: ${DEFAULT-VALUE})")
    String dataset = ExperimentData.COLORED_MNIST;

    @Option(names = "--conflict-pct", paramLabel = "P", description = "percentage of bias-conflicting training images, in (0, 100) (default: ${DEFAULT-VALUE})")
    double conflictPercent = 1.0;

    @Option(names = "--severity", paramLabel = "S", description = "colour noise severity 1-4 (default: ${DEFAULT-VALUE})")
    int severity = 4;

    @Option(names = "--seed", paramLabel = "S", description = "seed of data, initialisation and sampling (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--iterations", paramLabel = "N", description = "optimisation steps (default: the method's preset)")
    Long iterations;

    @Option(names = "--epochs", paramLabel = "E", description = "epochs instead of steps")
    Integer epochs;

    @Option(names = "--batch-size", paramLabel = "B", description = "training batch size (default: the preset's)")
    Integer batchSize;

    @Option(names = "--lr", paramLabel = "LR", description = "learning rate (default: the preset's)")
    Float learningRate;

    @Option(names = "--weight-decay", paramLabel = "WD", description = "L2 weight decay (default: the preset's)")
    Float weightDecay;

    @Option(names = "--eval-every", paramLabel = "K", description = "steps between validations (default: the preset's)")
    Long evaluateEvery;

    @Option(names = "--valid-fraction", paramLabel = "F", description = "share of the MNIST training digits held out for validation (default: ${DEFAULT-VALUE})")
    double validationFraction = 0.1;

    @Option(names = "--backbone", paramLabel = "NAME", description = "one of mlp, mlp-disent, cnn, cnn-dcwp, cnn-camel, resnet18, resnet18-small, resnet50 (default: the method's)")
    String backbone;

    @Option(names = "--selection", paramLabel = "RULE", converter = SelectionConverter.class,
            description = "auto, worst-group, unbiased, average, worst-class or last (default: the preset's)")
    ModelSelection selection;

    @Option(names = "--resume", description = "continue the run in the output folder's checkpoints")
    boolean resume;

    @Option(names = "--allow-synthetic", description = "fall back to built-in synthetic digits without MNIST")
    boolean allowSynthetic;

    @Option(names = "--quiet", description = "no progress bar and tables")
    boolean quiet;

    /**
     * Checks the values and returns the run settings.
     *
     * @param defaultIterations the length when neither --iterations nor --epochs is given, null
     *     for the preset's
     * @param syntheticAllowed whether the command may fall back to synthetic digits anyway
     * @param methodOptions the method's own options
     * @return the settings
     * @throws CliException naming the first value out of range
     */
    TrainCommand.RunSettings settings(Long defaultIterations, boolean syntheticAllowed, Map<String, String> methodOptions) {
        if (iterations != null && epochs != null) {
            throw new CliException("give either --iterations or --epochs, not both");
        }
        if ((iterations != null && iterations < 1) || (epochs != null && epochs < 1)) {
            throw new CliException("--iterations and --epochs must be at least 1");
        }
        if (!(conflictPercent > 0 && conflictPercent < 100)) {
            throw new CliException("--conflict-pct must be in (0, 100), got " + conflictPercent);
        }
        if (batchSize != null && batchSize < 1) {
            throw new CliException("--batch-size must be at least 1, got " + batchSize);
        }
        if (evaluateEvery != null && evaluateEvery < 1) {
            throw new CliException("--eval-every must be at least 1, got " + evaluateEvery);
        }
        if (learningRate != null && !(learningRate > 0 && Float.isFinite(learningRate))) {
            throw new CliException("--lr must be a finite number > 0, got " + learningRate);
        }
        if (weightDecay != null && !(weightDecay >= 0 && Float.isFinite(weightDecay))) {
            throw new CliException("--weight-decay must be a finite number >= 0, got " + weightDecay);
        }
        Long length = iterations == null && epochs == null ? defaultIterations : iterations;
        return new TrainCommand.RunSettings(
                dataset, conflictPercent, severity, seed, length, epochs, batchSize, learningRate, weightDecay,
                evaluateEvery, validationFraction, backbone, selection, resume, syntheticAllowed || allowSynthetic,
                methodOptions);
    }

    /** Reads a {@link ModelSelection} written with dashes, case-insensitively. */
    static final class SelectionConverter implements picocli.CommandLine.ITypeConverter<ModelSelection> {
        @Override
        public ModelSelection convert(String value) {
            for (ModelSelection rule : ModelSelection.values()) {
                if (rule.name().replace('_', '-').equalsIgnoreCase(value)) {
                    return rule;
                }
            }
            throw new picocli.CommandLine.TypeConversionException(
                    "must be auto, worst-group, unbiased, average, worst-class or last, got '" + value + "'");
        }
    }
}
