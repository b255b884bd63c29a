package dev.debias.gan;

import ai.djl.ndarray.types.Shape;

import dev.debias.data.GroupSpec;
import dev.debias.data.GroupedArrayDataset;
import dev.debias.model.ColoredMnistMlp;
import dev.debias.train.ModelSelection;
import dev.debias.train.OptimizerConfig;
import dev.debias.train.TrainingConfig;

import java.util.Random;

/**
 * Two classes whose label is weakly carried by five noisy "core" features and, in most training
 * samples, strongly by five "spurious" features (the bias attribute).
 */
final class ToyData {

    static final int DIM = 10;
    static final Shape INPUT = new Shape(1, DIM);

    private ToyData() {}

    static GroupSpec spec() {
        return GroupSpec.builder(2, 2).optDiagonalAlignment().build();
    }

    static GroupedArrayDataset train(int n, double conflicting, long seed) {
        Random random = new Random(seed);
        int[] y = new int[n];
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 2;
            a[i] = random.nextDouble() < conflicting ? 1 - y[i] : y[i];
        }
        return dataset(y, a, random);
    }

    static GroupedArrayDataset balanced(int n, long seed) {
        Random random = new Random(seed);
        int[] y = new int[n];
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 2;
            a[i] = (i / 2) % 2;
        }
        return dataset(y, a, random);
    }

    private static GroupedArrayDataset dataset(int[] y, int[] a, Random random) {
        int n = y.length;
        float[] x = new float[n * DIM];
        for (int i = 0; i < n; i++) {
            for (int d = 0; d < 5; d++) {
                x[i * DIM + d] = (float) ((y[i] * 2 - 1) * 0.6 + random.nextGaussian());
            }
            for (int d = 5; d < DIM; d++) {
                x[i * DIM + d] = (float) ((a[i] * 2 - 1) * 2.0 + 0.1 * random.nextGaussian());
            }
        }
        return GroupedArrayDataset.builder()
                .setFeatures(x, new Shape(DIM))
                .setLabels(y)
                .optAttributes(a)
                .optGroupSpec(spec())
                .setSampling(64, false)
                .build();
    }

    /** A DisEnt model with small MLP encoders (10 -> 32 -> 8). */
    static DisEntModel model() {
        return DisEntModel.of(
                () -> ColoredMnistMlp.builder().setHiddenSizes(32, 8).setNumClasses(2).optInputSize(DIM).build());
    }

    static TrainingConfig.Builder training(long steps) {
        return TrainingConfig.builder()
                .setIterations(steps)
                .optBatchSize(64)
                .optOptimizer(OptimizerConfig.adam(1e-2f).build())
                .optEvaluateEvery(50)
                .optModelSelection(ModelSelection.LAST)
                .optSeed(7);
    }
}
