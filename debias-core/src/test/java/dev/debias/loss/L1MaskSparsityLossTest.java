package dev.debias.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import dev.debias.loss.L1MaskSparsityLoss.Mode;

import org.junit.jupiter.api.Test;

class L1MaskSparsityLossTest {

    /** Scores [[1, -2], [0.5, -0.5]] and [0, 3]. */
    private static NDList scores(NDManager manager) {
        return new NDList(
                manager.create(new float[][] {{1, -2}, {0.5f, -0.5f}}),
                manager.create(new float[] {0, 3}));
    }

    @Test
    void modesByHand() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDList scores = scores(manager);
            // RAW: 1 - 2 + 0.5 - 0.5 + 0 + 3 = 2; times 0.1
            assertEquals(
                    0.2f,
                    new L1MaskSparsityLoss(scores, Mode.RAW, 0.1f).evaluate(null, null).getFloat(),
                    1e-6f);
            // ABS: 1 + 2 + 0.5 + 0.5 + 0 + 3 = 7; times 0.1
            assertEquals(
                    0.7f,
                    new L1MaskSparsityLoss(scores, Mode.ABS, 0.1f).evaluate(null, null).getFloat(),
                    1e-6f);
            // SIGMOID: 0.7310586 + 0.1192029 + 0.6224593 + 0.3775407 + 0.5 + 0.9525741
            //        = 3.3028356; times 0.1
            assertEquals(
                    0.33028356f,
                    new L1MaskSparsityLoss(scores, Mode.SIGMOID, 0.1f)
                            .evaluate(null, null)
                            .getFloat(),
                    1e-6f);
            // kept: 1, 0.5, 0 and 3 are >= 0: 4 of 6
            assertEquals(4 / 6.0, L1MaskSparsityLoss.keptRatio(scores), 1e-12);
            assertEquals(2 / 6.0, L1MaskSparsityLoss.sparsity(scores), 1e-12);
        }
    }

    @Test
    void rawGradientIsLambdaAndNothingLeaks() {
        try (NDManager parameters = NDManager.newBaseManager()) {
            NDList scores = scores(parameters);
            for (NDArray score : scores) {
                score.setRequiresGradient(true);
            }
            int before = parameters.getManagedArrays().size();
            L1MaskSparsityLoss loss = new L1MaskSparsityLoss(scores, Mode.RAW, 0.25f);
            try (NDManager batch = NDManager.newBaseManager()) {
                NDList predictions = new NDList(batch.zeros(new Shape(2, 2)));
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray value = loss.evaluate(null, predictions);
                    assertEquals(batch, value.getManager());
                    collector.backward(value);
                }
            }
            for (NDArray score : scores) {
                try (NDArray grad = score.getGradient()) {
                    float[] expected = new float[(int) score.size()];
                    java.util.Arrays.fill(expected, 0.25f);
                    assertArrayEquals(expected, grad.toFloatArray(), 0);
                }
            }
            // the temporaries lived on a closed sub-manager; the scores are back where they were
            assertEquals(before, parameters.getManagedArrays().size());
            assertEquals(parameters, scores.head().getManager());
        }
    }

    @Test
    void validation() {
        assertThrows(IllegalArgumentException.class, () -> new L1MaskSparsityLoss(new NDList()));
        try (NDManager manager = NDManager.newBaseManager()) {
            assertThrows(
                    IllegalArgumentException.class,
                    () -> new L1MaskSparsityLoss(scores(manager), Mode.RAW, -1f));
            NDList nan = new NDList(manager.create(new float[] {Float.NaN}));
            assertThrows(
                    IllegalArgumentException.class,
                    () -> new L1MaskSparsityLoss(nan).evaluate(null, null));
        }
    }
}
