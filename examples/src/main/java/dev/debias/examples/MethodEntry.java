package dev.debias.examples;

import ai.djl.ndarray.types.Shape;

import com.google.gson.JsonObject;

import dev.debias.data.GroupedArrayDataset;
import dev.debias.data.GroupedDataset;
import dev.debias.model.Backbone;
import dev.debias.train.DebiasTrainer;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One method as {@code train}, {@code demo}, {@code reproduce} and {@code bench} see it: its name,
 * its own command-line options, how its trainer is made from the library's preset and the
 * overrides, and the Colored MNIST numbers its paper's protocol reports. {@link MethodRegistry}
 * lists every entry; a new method adds its entry class and one line there.
 */
public interface MethodEntry {

    /**
     * What a trainer is made from.
     *
     * @param training the shared settings given on the command line
     * @param options the method's own options given on the command line, by name without
     *     {@code --}
     * @param conflictPercent the measured percentage of bias-conflicting training samples (some
     *     presets depend on it)
     * @param blocks makes the backbones (DisEnt uses their feature extractors as encoders)
     * @param inputShape the input shape with a batch axis
     * @param dataset the {@code --dataset} value (presets differ per dataset)
     * @param data the loaded data (CAMEL trains its translators on it before the trainer exists)
     * @param outputDirectory the run's output folder, or null when nothing is kept (bench)
     */
    record Request(
            TrainingOverrides training,
            Map<String, String> options,
            double conflictPercent,
            Supplier<Backbone> blocks,
            Shape inputShape,
            String dataset,
            ExperimentData.Loaded data,
            java.nio.file.Path outputDirectory) {

        /**
         * Returns whether the run is on MNIST-Correlation.
         *
         * @return true on {@code mnist-correlation}
         */
        boolean onMnistCorrelation() {
            return ExperimentData.MNIST_CORRELATION.equals(dataset);
        }
    }

    /**
     * Returns whether a run's checkpoint folder holds anything to resume ({@code reproduce}
     * resumes such a run); {@link dev.debias.train.PhasedRun#hasCheckpoints} by default.
     *
     * @param checkpoints the run's checkpoint folder
     * @return true if the run can be resumed
     */
    default boolean resumable(java.nio.file.Path checkpoints) {
        return dev.debias.train.PhasedRun.hasCheckpoints(checkpoints);
    }

    /**
     * Returns the method options of a run of {@code reproduce --dataset mnist-correlation}, which
     * may depend on the runs already in its folder (CAMEL's seeds share one stage 1); none by
     * default.
     *
     * @param runs the folder of the runs
     * @param out the folder of this run
     * @return the options, by name
     * @throws java.io.IOException if the runs cannot be read
     */
    default Map<String, String> mnistCorrelationOptions(java.nio.file.Path runs, java.nio.file.Path out)
            throws java.io.IOException {
        return Map.of();
    }

    /** The {@code metrics.json} block of a method that reports its best test accuracy ({@link PaperReports#BEST_TEST}). */
    String REFERENCE_PROTOCOL = "referenceProtocol";

    /** Which model of a run its paper's protocol reports. */
    enum PaperReports {
        /** The final model. */
        FINAL,
        /** The model selected on validation. */
        SELECTED,
        /** The best test accuracy over the run (model selection on the test set). */
        BEST_TEST
    }

    /**
     * Returns the name on the command line.
     *
     * @return e.g. {@code gdro}
     */
    String name();

    /**
     * Returns the method's own options, each {@code --name VALUE} with its help text.
     *
     * @return option name (without {@code --}) and a short help, in usage order
     */
    Map<String, String> options();

    /**
     * Creates the trainer: the library's Colored MNIST preset, then the overrides.
     *
     * @param request the overrides and the model
     * @return the trainer
     * @throws CliException if an option's value is malformed
     */
    DebiasTrainer create(Request request);

    /**
     * Returns the published unbiased test accuracy (%) on Colored MNIST at {@link
     * ReproduceCommand#PUBLISHED_PERCENTS}, or an empty list when there is none.
     *
     * @return the numbers, in the order of the percentages
     */
    List<Double> publishedColoredMnist();

    /**
     * Returns which model the method's paper reports, for {@code reproduce}'s paper-protocol
     * table.
     *
     * @return the reported model
     */
    PaperReports paperReports();

    /**
     * Returns the backbone the method uses when {@code --backbone} is not given.
     *
     * @return a name of {@code Backbones.NAMES}
     */
    default String defaultBackbone() {
        return "mlp";
    }

    /**
     * Returns the name of the reported model's parameter file in a run's checkpoints ({@code
     * <name>-NNNN.params}).
     *
     * @return the model's name in the run
     */
    default String reportedModelName() {
        return "model";
    }

    /**
     * Returns the phase whose checkpoints hold the reported model.
     *
     * @return the phase name
     */
    default String reportedPhase() {
        return dev.debias.train.EvaluationRecord.DEFAULT_PHASE;
    }

    /**
     * Makes a fresh block of the reported model's architecture, to load a saved run into.
     *
     * @param backbones makes the run's backbone
     * @return the block
     */
    default ai.djl.nn.Block reportedBlock(Supplier<Backbone> backbones) {
        return backbones.get();
    }

    /**
     * Prepares a trainer before {@code fit} (e.g. DisEnt tracks its test accuracy for the
     * reference's protocol); nothing by default.
     *
     * @param trainer the trainer {@link #create(Request)} made
     * @param test the test set
     */
    default void beforeFit(DebiasTrainer trainer, GroupedDataset test) {}

    /**
     * Adds the method's own results to {@code metrics.json} (e.g. JTT's error set); nothing by
     * default.
     *
     * @param trainer the trainer after {@code fit}
     * @param train the training set
     * @param metrics the metrics object to add to
     */
    default void addMetrics(DebiasTrainer trainer, GroupedArrayDataset train, JsonObject metrics) {}

    /**
     * Returns how many steps {@code demo} trains the method for when the demo's runs have {@code
     * iterations} steps (e.g. DCWP, whose convolutional step costs about twenty MLP steps, trains
     * each phase for a seventieth); {@code iterations} by default. A shortened run validates twice
     * per phase instead of twenty times, since its validations cost as much as its training.
     *
     * @param iterations the demo's number of steps
     * @return the method's number of steps in the demo, at least 1
     */
    default long demoIterations(long iterations) {
        return iterations;
    }

    /**
     * Returns the options {@code demo} gives the method for a short run of {@code iterations}
     * steps (e.g. DisEnt starts its feature swap at the same fraction of the run as its preset);
     * none by default.
     *
     * @param iterations the method's number of steps in the demo ({@link #demoIterations(long)})
     * @return option name (without {@code --}) to value
     */
    default Map<String, String> demoOptions(long iterations) {
        return Map.of();
    }

    /**
     * Returns the phase {@code bench} times; the reported phase by default. When it is another
     * phase, {@code bench} runs the reported phase for a single step.
     *
     * @return the phase name
     */
    default String benchPhase() {
        return reportedPhase();
    }

    /**
     * Returns the options {@code bench} gives the method so that the timed phase runs {@code
     * steps} steps and the others as few as possible (e.g. DCWP shortens its pre-training and
     * times its pruning phase); none by default. Options given on the command line take
     * precedence.
     *
     * @param steps the steps of the timed phase, warm-up included
     * @return option name (without {@code --}) to value
     */
    default Map<String, String> benchOptions(long steps) {
        return Map.of();
    }

    /**
     * Returns the dataset {@code bench} times the method on.
     *
     * @return a {@code --dataset} value; Colored MNIST by default
     */
    default String benchDataset() {
        return ExperimentData.COLORED_MNIST;
    }

    /**
     * Returns the batch size {@code bench} uses when {@code --batch-size} is not given.
     *
     * @return the batch size; 256 (the Colored MNIST presets') by default
     */
    default int benchBatchSize() {
        return 256;
    }

    /**
     * Returns whether {@code demo} trains this method.
     *
     * @return true for the demo's methods
     */
    boolean inDemo();
}
