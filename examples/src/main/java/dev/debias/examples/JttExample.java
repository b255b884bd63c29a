package dev.debias.examples;

import dev.debias.data.GroupedSplits;
import dev.debias.data.MnistSplits;
import dev.debias.metrics.GroupMetrics;
import dev.debias.model.ColoredMnistMlp;
import dev.debias.train.JttConfig;
import dev.debias.train.JttTrainer;
import dev.debias.train.Presets;

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
        JttConfig config =
                JttConfig.builder()
                        .setIdentification(Presets.coloredMnist().setEpochs(10).build()) // T = 9
                        .setTraining(Presets.coloredMnist().setIterations(iterations).build())
                        .optBalancingUpweight() // lambda_up from the error set's size
                        .build();
        try (GroupedSplits data = ExampleRun.coloredMnist(digits);
                JttTrainer trainer = new JttTrainer(config, () -> ColoredMnistMlp.lff().build(), ExampleRun.INPUT)) {
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
