package dev.debias.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.training.loss.SimpleCompositeLoss;

import dev.debias.loss.SubgroupConsistencyLoss.Type;

import org.junit.jupiter.api.Test;

class SubgroupConsistencyLossTest {

    private static final float LN3 = (float) Math.log(3);

    /**
     * Sample 0: p_o = [1/2, 1/2], p_F = [3/4, 1/4], p_G = [1/4, 3/4]. Sample 1: all three equal.
     */
    private static NDList predictions(NDManager manager) {
        return new NDList(
                manager.create(new float[][] {{0, 0}, {1, 2}}),
                manager.create(new float[][] {{LN3, 0}, {1, 2}}),
                manager.create(new float[][] {{0, LN3}, {1, 2}}));
    }

    private static float[] perSample(NDManager manager, Type type, float weight) {
        return new SubgroupConsistencyLoss(type, weight)
                .perSample(new NDList(), predictions(manager))
                .toFloatArray();
    }

    @Test
    void camelByHand() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // m = (p_F + p_G) / 2 = [1/2, 1/2] = p_o, so KL(p_o || m) = 0
            // KL(p_F || m) = 3/4 ln(3/2) + 1/4 ln(1/2) = 0.3040988 - 0.1732868 = 0.1308120
            // KL(p_G || m) = 0.1308120 by symmetry
            // camel = 0.5 * 0 + 0.25 * 0.1308120 + 0.25 * 0.1308120 = 0.0654060
            assertArrayEquals(
                    new float[] {0.0654060f, 0}, perSample(manager, Type.CAMEL, 1), 1e-6f);
            // weight 2 doubles it; the batch mean is (0.1308120 + 0) / 2
            SubgroupConsistencyLoss weighted = new SubgroupConsistencyLoss(Type.CAMEL, 2);
            assertEquals(
                    0.0654060f,
                    weighted.evaluate(new NDList(), predictions(manager)).getFloat(),
                    1e-6f);
        }
    }

    @Test
    void composesWithCrossEntropyOnTheOriginalLogits() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // CE on the original logits [[0, 0], [1, 2]] with labels [0, 1]:
            // ln 2 and ln(1 + e^-1) = 0.3132617; mean 0.5032044; plus CAMEL mean 0.0327030
            NDList labels = new NDList(manager.create(new long[] {0, 1}));
            float value =
                    new SimpleCompositeLoss()
                            .addLoss(new CrossEntropy())
                            .addLoss(new SubgroupConsistencyLoss())
                            .evaluate(labels, predictions(manager))
                            .getFloat();
            assertEquals(0.5032044f + 0.0327030f, value, 1e-6f);
        }
    }

    @Test
    void otherTypesByHand() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // triplet-JS: m = (p_o + p_F + p_G) / 3 = [1/2, 1/2]; (0 + 2 * 0.1308120) / 3
            assertArrayEquals(
                    new float[] {0.0872080f, 0}, perSample(manager, Type.TRIPLET_JS, 1), 1e-6f);
            // KL(p_o || p_F) = 1/2 ln(2/3) + 1/2 ln 2 = -0.2027326 + 0.3465736 = 0.1438410,
            // the same for p_G; KL = 0.5 (0.1438410 + 0.1438410)
            assertArrayEquals(
                    new float[] {0.1438410f, 0}, perSample(manager, Type.KL, 1), 1e-6f);
            // reverse: KL(p_F || p_o) = 0.1308120 = KL(p_G || p_o)
            assertArrayEquals(
                    new float[] {0.1308120f, 0}, perSample(manager, Type.REVERSE_KL, 1), 1e-6f);
        }
    }

    @Test
    void klClipsProbabilitiesAtOneInTenMillion() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray sharp = manager.create(new float[][] {{0, 1}});
            NDArray flat = manager.create(new float[][] {{0.5f, 0.5f}});
            // KL([0, 1] || [1/2, 1/2]) = 1e-7 ln(1e-7 / 0.5) + ln 2 = 0.6931456
            assertEquals(
                    0.6931456f,
                    SubgroupConsistencyLoss.klDivergence(sharp, flat).getFloat(),
                    1e-6f);
            // KL([1/2, 1/2] || [0, 1]) = 1/2 ln(0.5 / 1e-7) + 1/2 ln(0.5) = 7.3659006, not infinity
            assertEquals(
                    7.3659006f,
                    SubgroupConsistencyLoss.klDivergence(flat, sharp).getFloat(),
                    1e-5f);
        }
    }

    @Test
    void gradientReachesAllThreePredictions() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // three different distributions: [0.881, 0.119], [0.269, 0.731], [1/2, 1/2]
            NDList predictions =
                    new NDList(
                            manager.create(new float[][] {{2, 0}}),
                            manager.create(new float[][] {{0, 1}}),
                            manager.create(new float[][] {{0, 0}}));
            for (NDArray logits : predictions) {
                logits.setRequiresGradient(true);
            }
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(new SubgroupConsistencyLoss().evaluate(null, predictions));
            }
            for (NDArray logits : predictions) {
                try (NDArray grad = logits.getGradient()) {
                    float[] g = grad.toFloatArray();
                    // no stop-gradient: every view gets a gradient (softmax: g[0] = -g[1])
                    assertTrue(Math.abs(g[0]) > 1e-3f, "gradient " + g[0]);
                    assertEquals(-g[0], g[1], 1e-6f);
                }
            }
        }
    }

    @Test
    void rejectsMissingViewsAndMismatchedShapes() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SubgroupConsistencyLoss loss = new SubgroupConsistencyLoss();
            NDArray two = manager.create(new float[][] {{0, 0}});
            IllegalArgumentException views =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> loss.evaluate(null, new NDList(two, two)));
            assertTrue(views.getMessage().contains("three"), views.getMessage());
            NDArray three = manager.create(new float[][] {{0, 0, 0}});
            IllegalArgumentException shapes =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> loss.evaluate(null, new NDList(two, two, three)));
            assertTrue(shapes.getMessage().contains("equal shapes"), shapes.getMessage());
            assertThrows(
                    IllegalArgumentException.class,
                    () -> new SubgroupConsistencyLoss(Type.CAMEL, -1));
        }
    }
}
