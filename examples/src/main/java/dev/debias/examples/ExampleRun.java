package dev.debias.examples;

import ai.djl.ndarray.types.Shape;

import dev.debias.data.ColoredMnist;
import dev.debias.data.DatasetPaths;
import dev.debias.data.GroupedSplits;
import dev.debias.data.Mnist;
import dev.debias.data.MnistSplits;
import dev.debias.data.SyntheticDigits;
import dev.debias.metrics.GroupMetrics;
import dev.debias.metrics.GroupMetricsReport;
import dev.debias.train.DebiasTrainer;
import dev.debias.train.TrainingResult;

import java.io.IOException;

/** What the example programs share: their data and how they report. */
final class ExampleRun {

    /** The input shape of Colored MNIST with a batch axis. */
    static final Shape INPUT = new Shape(1, 3, 28, 28);

    private ExampleRun() {}

    /** Real MNIST when present, else synthetic digits (saying so). */
    static MnistSplits digits() throws IOException {
        if (DatasetPaths.hasMnist()) {
            System.out.println("using MNIST from " + DatasetPaths.mnistDir());
            return Mnist.load();
        }
        System.out.println(
                "MNIST not found under " + DatasetPaths.root() + ": using SYNTHETIC digits (run scripts/fetch-datasets.sh)");
        return SyntheticDigits.generate(60_000, 10_000, 0);
    }

    /** Colored MNIST, 1 % conflicting, with 10 % of the training digits held out for validation. */
    static GroupedSplits coloredMnist(MnistSplits digits) {
        return ColoredMnist.builder().optConflictPercent(1.0).optValidationFraction(0.1).optSeed(0).build().generate(digits);
    }

    /** Fits on the training split, evaluates on the test split and prints the per-group table. */
    static GroupMetrics fitAndReport(DebiasTrainer trainer, GroupedSplits data) {
        TrainingResult result = trainer.fit(data.train(), data.validation().orElseThrow());
        GroupMetrics test = trainer.evaluate(data.test().orElseThrow());
        System.out.printf(
                "trained %d steps; selected step %d by %s%n", result.steps(), result.selected().step(), result.selection());
        System.out.println(new GroupMetricsReport(test).toTable());
        return test;
    }
}
