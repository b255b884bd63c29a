package dev.debias.examples;

import ai.djl.ndarray.types.Shape;

import dev.debias.data.ColoredMnist;
import dev.debias.data.GroupedSplits;
import dev.debias.data.MnistSplits;
import dev.debias.metrics.GroupMetrics;
import dev.debias.metrics.GroupMetricsReport;
import dev.debias.model.ColoredMnistMlp;
import dev.debias.train.JttConfig;
import dev.debias.train.JttTrainer;
import dev.debias.train.Presets;
import dev.debias.train.TrainingResult;

/**
 * Just Train Twice (Liu et al., ICML 2021) on Colored MNIST with 1 % bias-conflicting training images, written as a user of the
 * library would: build the data, configure the trainer, fit, evaluate per group.
 *
 * <p>Run with {@code java ... dev.debias.examples.JttExample [iterations]}; it uses the real
 * MNIST files when {@code scripts/fetch-datasets.sh} has fetched them, else synthetic digits.
 */
public final class JttExample {

    private JttExample() {}

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
        JttConfig config =
                JttConfig.builder()
                        .setIdentification(Presets.coloredMnist().setEpochs(2).build())
                        .setTraining(Presets.coloredMnist().setIterations(iterations).build())
                        .optUpweight(50)
                        .build();
        try (GroupedSplits data = coloredMnist.generate(digits);
                JttTrainer trainer =
                        new JttTrainer(config, () -> ColoredMnistMlp.lff().build(), new Shape(1, 3, 28, 28))) {
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
