package dev.debias.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import dev.debias.data.GroupSpec;
import dev.debias.data.GroupedArrayDataset;

/**
 * The hand-checked prediction set shared by the metrics tests: 2 classes x 2 attributes, 10
 * samples, groups g = 2y + a, aligned where a == y.
 *
 * <pre>
 *  i  y  a  g  pred  correct
 *  0  0  0  0   0      1      g0 (aligned):     n=3, c=2, acc 2/3
 *  1  0  0  0   0      1
 *  2  0  0  0   1      0
 *  3  0  1  1   0      1      g1 (conflicting): n=2, c=1, acc 1/2
 *  4  0  1  1   1      0
 *  5  1  0  2   0      0      g2 (conflicting): n=1, c=0, acc 0
 *  6  1  1  3   1      1      g3 (aligned):     n=4, c=4, acc 1
 *  7  1  1  3   1      1
 *  8  1  1  3   1      1
 *  9  1  1  3   1      1
 * </pre>
 *
 * Training counts of the spec: g0 40, g1 10, g2 5, g3 45 (total 100).
 */
final class Fixture {

    static final int[] LABELS = {0, 0, 0, 0, 0, 1, 1, 1, 1, 1};
    static final int[] ATTRIBUTES = {0, 0, 0, 1, 1, 0, 1, 1, 1, 1};
    static final int[] GROUPS = {0, 0, 0, 1, 1, 2, 3, 3, 3, 3};
    static final int[] PREDICTIONS = {0, 0, 1, 0, 1, 0, 1, 1, 1, 1};
    static final long[] TRAIN_COUNTS = {40, 10, 5, 45};

    private Fixture() {}

    static GroupSpec spec() {
        return GroupSpec.builder(2, 2)
                .optDiagonalAlignment()
                .optGroupCounts(TRAIN_COUNTS)
                .build();
    }

    /** Logits [n, 2] whose argmax is the prediction: [1, 0] for class 0, [0, 1] for class 1. */
    static float[] logits(int[] predictions) {
        float[] logits = new float[predictions.length * 2];
        for (int i = 0; i < predictions.length; i++) {
            logits[2 * i + predictions[i]] = 1f;
        }
        return logits;
    }

    static NDArray logits(NDManager manager, int[] predictions) {
        return manager.create(logits(predictions), new Shape(predictions.length, 2));
    }

    /** Label columns [y, g, i] as int64 vectors. */
    static NDList labels(NDManager manager, int[] labels, int[] groups) {
        long[] y = new long[labels.length];
        long[] g = new long[labels.length];
        long[] i = new long[labels.length];
        for (int k = 0; k < labels.length; k++) {
            y[k] = labels[k];
            g[k] = groups[k];
            i[k] = k;
        }
        return new NDList(manager.create(y), manager.create(g), manager.create(i));
    }

    /** The fixture as a dataset whose features are the logits of the predictions. */
    static GroupedArrayDataset dataset(int batchSize) {
        return GroupedArrayDataset.builder()
                .setFeatures(logits(PREDICTIONS), new Shape(2))
                .setLabels(LABELS)
                .optAttributes(ATTRIBUTES)
                .optGroupSpec(spec())
                .setSampling(batchSize, false)
                .build();
    }

    static int[] slice(int[] values, int from, int to) {
        return java.util.Arrays.copyOfRange(values, from, to);
    }
}
