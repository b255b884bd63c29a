package dev.debias.examples;

import ai.djl.ndarray.types.Shape;

import dev.debias.data.ColoredMnist;
import dev.debias.data.GroupedSplits;
import dev.debias.data.MnistSplits;
import dev.debias.metrics.GroupMetrics;
import dev.debias.metrics.GroupMetricsReport;
import dev.debias.model.ColoredMnistMlp;
import dev.debias.train.LfFConfig;
import dev.debias.train.LfFTrainer;
import dev.debias.train.Presets;
import dev.debias.train.TrainingResult;

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
        ColoredMnist coloredMnist =
                ColoredMnist.builder().optConflictPercent(1.0).optValidationFraction(0.1).optSeed(0).build();
        LfFConfig config =
                LfFConfig.builder()
                        .setTraining(Presets.coloredMnist().setIterations(iterations).build())
                        .build();
        try (GroupedSplits data = coloredMnist.generate(digits);
                LfFTrainer trainer =
                        new LfFTrainer(config, () -> ColoredMnistMlp.lff().build(), new Shape(1, 3, 28, 28))) {
            TrainingResult result = trainer.fit(data.train(), data.validation().orElseThrow());
            GroupMetrics test = trainer.evaluate(data.test().orElseThrow());
            System.out.printf(
                    "trained %d steps; selected step %d by %s%n",
                    result.steps(), result.selected().step(), result.selection());
            System.out.println(new GroupMetricsReport(test).toTable());
            return test;
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
        run(iterations, ExampleDigits.load());
    }
}
