package dev.debias.examples;

import dev.debias.data.GroupedSplits;
import dev.debias.data.MnistSplits;
import dev.debias.metrics.GroupMetrics;
import dev.debias.model.ColoredMnistMlp;
import dev.debias.train.LfFConfig;
import dev.debias.train.LfFTrainer;
import dev.debias.train.Presets;

/**
 * Learning from Failure (Nam et al., NeurIPS 2020) on Colored MNIST with 1 % bias-conflicting training images, written as a user of the
 * library would: build the data, configure the trainer, fit, evaluate per group.
 *
 * <p>Run with {@code java ... dev.debias.examples.LfFExample [iterations]}; it uses the real
 * MNIST files when {@code scripts/fetch-datasets.sh} has fetched them, else synthetic digits.
 */
public final class LfFExample {

    private LfFExample() {}

    /**
     * Trains and evaluates.
     *
     * @param iterations training steps
     * @param digits grayscale digits to colour
     * @return the test metrics of the final model
     */
    public static GroupMetrics run(long iterations, MnistSplits digits) {
        LfFConfig config =
                LfFConfig.builder()
                        .setTraining(Presets.coloredMnist().setIterations(iterations).build())
                        .optQ(0.7f) // GCE exponent of the biased model
                        .optEmaAlpha(0.7f) // per-sample loss EMA
                        .build();
        try (GroupedSplits data = ExampleRun.coloredMnist(digits);
                LfFTrainer trainer = new LfFTrainer(config, () -> ColoredMnistMlp.lff().build(), ExampleRun.INPUT)) {
            return ExampleRun.fitAndReport(trainer, data);
        }
    }

    /**
     * Entry point.
     *
     * @param args optional number of iterations (default 2000)
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        long iterations = args.length > 0 ? Long.parseLong(args[0]) : 2000;
        run(iterations, ExampleRun.digits());
    }
}
