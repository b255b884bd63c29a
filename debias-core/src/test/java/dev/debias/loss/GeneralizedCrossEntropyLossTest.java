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

import dev.debias.loss.GeneralizedCrossEntropyLoss.Form;

import org.junit.jupiter.api.Test;

class GeneralizedCrossEntropyLossTest {

    /** Rows with label probabilities p_y = 1/2, 3/4 and 1/4 (softmax of [0,0] and [ln 3, 0]). */
    private static NDList batch(NDManager manager) {
        float ln3 = (float) Math.log(3);
        return new NDList(manager.create(new float[][] {{0, 0}, {ln3, 0}, {ln3, 0}}));
    }

    private static NDList labels(NDManager manager) {
        return new NDList(manager.create(new long[] {0, 0, 1}));
    }

    @Test
    void paperFormByHand() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // q = 0.5: (1 - p^0.5) / 0.5
            //   p = 1/2: 2 (1 - 0.7071068) = 0.5857864
            //   p = 3/4: 2 (1 - 0.8660254) = 0.2679492
            //   p = 1/4: 2 (1 - 0.5)       = 1.0
            GeneralizedCrossEntropyLoss gce = new GeneralizedCrossEntropyLoss(0.5f, Form.PAPER);
            assertArrayEquals(
                    new float[] {0.5857864f, 0.2679492f, 1.0f},
                    gce.perSample(labels(manager), batch(manager)).toFloatArray(),
                    1e-6f);
            // mean = 1.8537356 / 3 = 0.6179119
            assertEquals(
                    0.6179119f, gce.evaluate(labels(manager), batch(manager)).getFloat(), 1e-6f);
        }
    }

    @Test
    void lffFormByHand() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // q = 0.5: -ln p * 0.5 * p^0.5
            //   p = 1/2: 0.6931472 * 0.5 * 0.7071068 = 0.2450645
            //   p = 3/4: 0.2876821 * 0.5 * 0.8660254 = 0.1245700
            //   p = 1/4: 1.3862944 * 0.5 * 0.5       = 0.3465736
            GeneralizedCrossEntropyLoss gce = new GeneralizedCrossEntropyLoss(0.5f, Form.LFF);
            assertArrayEquals(
                    new float[] {0.2450645f, 0.1245700f, 0.3465736f},
                    gce.perSample(labels(manager), batch(manager)).toFloatArray(),
                    1e-6f);
            // mean = 0.7162081 / 3 = 0.2387360
            assertEquals(
                    0.2387360f, gce.evaluate(labels(manager), batch(manager)).getFloat(), 1e-6f);
        }
    }

    @Test
    void lffGradientIsQTimesPaperGradient() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // One sample with logits [ln 3, 0], label 0, p_y = 3/4, q = 0.5.
            // dCE/dz = p - onehot = [-1/4, 1/4]; paper gradient p_y^q dCE/dz = 0.8660254 * that,
            // LFF gradient q p_y^q dCE/dz = 0.4330127 * that.
            float[] paper = gradient(manager, Form.PAPER);
            float[] lff = gradient(manager, Form.LFF);
            assertArrayEquals(new float[] {-0.2165064f, 0.2165064f}, paper, 1e-6f);
            assertArrayEquals(new float[] {-0.1082532f, 0.1082532f}, lff, 1e-6f);
        }
    }

    private static float[] gradient(NDManager manager, Form form) {
        NDArray logits = manager.create(new float[][] {{(float) Math.log(3), 0}});
        logits.setRequiresGradient(true);
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray loss =
                    new GeneralizedCrossEntropyLoss(0.5f, form)
                            .evaluate(new NDList(manager.create(new long[] {0})), new NDList(logits));
            collector.backward(loss);
        }
        try (NDArray grad = logits.getGradient()) {
            return grad.toFloatArray();
        }
    }

    @Test
    void defaultsAndValidation() {
        GeneralizedCrossEntropyLoss gce = new GeneralizedCrossEntropyLoss();
        assertEquals(0.7f, gce.getQ());
        assertEquals(Form.LFF, gce.getForm());
        assertThrows(IllegalArgumentException.class, () -> new GeneralizedCrossEntropyLoss(0f, Form.LFF));
        assertThrows(IllegalArgumentException.class, () -> new GeneralizedCrossEntropyLoss(1.5f, Form.LFF));
        try (NDManager manager = NDManager.newBaseManager()) {
            NDList nan = new NDList(manager.create(new float[][] {{Float.NaN, 0}}));
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> gce.evaluate(new NDList(manager.create(new long[] {0})), nan));
            assertTrue(e.getMessage().contains("NaN"), e.getMessage());
        }
    }
}
