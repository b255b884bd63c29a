package dev.debias.train;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;

import dev.debias.data.GroupSpec;
import dev.debias.data.GroupedArrayDataset;
import dev.debias.model.ColoredMnistMlp;

import java.util.Random;
import java.util.function.Supplier;

/**
 * Strongly biased two-class data for trainer tests: a weak core feature block (the label, with
 * noise) and a strong spurious block (the attribute, almost noiseless). In training the attribute
 * equals the label for all but a small fraction of samples; validation and test sets are group
 * balanced. Public in the core test jar, so that the other modules' trainer tests use the same data.
 */
public final class BiasedToyData {

    public static final int CORE = 5;
    public static final int SPURIOUS = 5;
    public static final int DIM = CORE + SPURIOUS;
    public static final Shape INPUT = new Shape(1, DIM);

    private BiasedToyData() {}

    public static GroupSpec spec() {
        return GroupSpec.builder(2, 2).optDiagonalAlignment().build();
    }

    /** Training data with the given fraction of bias-conflicting samples. */
    public static GroupedArrayDataset train(int n, double conflicting, long seed, int batchSize) {
        Random random = new Random(seed);
        int[] y = new int[n];
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 2;
            a[i] = random.nextDouble() < conflicting ? 1 - y[i] : y[i];
        }
        return dataset(y, a, random, batchSize);
    }

    /** Group-balanced data: every (label, attribute) pair equally often. */
    public static GroupedArrayDataset balanced(int n, long seed) {
        Random random = new Random(seed);
        int[] y = new int[n];
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 2;
            a[i] = (i / 2) % 2;
        }
        return dataset(y, a, random, 256);
    }

    private static GroupedArrayDataset dataset(int[] y, int[] a, Random random, int batchSize) {
        int n = y.length;
        float[] x = new float[n * DIM];
        for (int i = 0; i < n; i++) {
            for (int d = 0; d < CORE; d++) {
                x[i * DIM + d] = (float) ((y[i] * 2 - 1) * 0.6 + random.nextGaussian());
            }
            for (int d = CORE; d < DIM; d++) {
                x[i * DIM + d] = (float) ((a[i] * 2 - 1) * 2.0 + 0.1 * random.nextGaussian());
            }
        }
        return GroupedArrayDataset.builder()
                .setFeatures(x, new Shape(DIM))
                .setLabels(y)
                .optAttributes(a)
                .optGroupSpec(spec())
                .setSampling(batchSize, false)
                .build();
    }

    public static Supplier<Block> mlp() {
        return () ->
                ColoredMnistMlp.builder()
                        .setHiddenSizes(32, 32)
                        .setNumClasses(2)
                        .optInputSize(DIM)
                        .build();
    }

    public static TrainingConfig.Builder training(long steps) {
        return TrainingConfig.builder()
                .setIterations(steps)
                .optBatchSize(64)
                .optOptimizer(OptimizerConfig.adam(1e-2f).build())
                .optEvaluateEvery(50)
                .optModelSelection(ModelSelection.LAST)
                .optSeed(7);
    }
}
