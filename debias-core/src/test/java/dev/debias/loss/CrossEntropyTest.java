package dev.debias.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;

class CrossEntropyTest {

    static final float LN2 = (float) Math.log(2);
    static final float LN3 = (float) Math.log(3);
    static final float LN4 = (float) Math.log(4);

    /**
     * Logits whose softmax rows are [1/3, 1/3, 1/3], [1/2, 1/4, 1/4] and [1/2, 1/4, 1/4]
     * (exp(ln 2) = 2 against 1 and 1).
     */
    static NDArray threeRows(NDManager manager) {
        return manager.create(new float[][] {{0, 0, 0}, {LN2, 0, 0}, {LN2, 0, 0}});
    }

    @Test
    void perSampleAndMeanByHand() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // labels 2, 0, 1: CE = -ln(1/3), -ln(1/2), -ln(1/4) = ln 3, ln 2, ln 4
            NDList labels = new NDList(manager.create(new long[] {2, 0, 1}));
            NDList predictions = new NDList(threeRows(manager));
            CrossEntropy ce = new CrossEntropy();
            assertArrayEquals(
                    new float[] {LN3, LN2, LN4},
                    ce.perSample(labels, predictions).toFloatArray(),
                    1e-6f);
            // mean = ln(3 * 2 * 4) / 3 = ln 24 / 3 = 1.0593513
            assertEquals(1.0593513f, ce.evaluate(labels, predictions).getFloat(), 1e-6f);
        }
    }

    @Test
    void toleratesExtraColumnsAndOtherLabelTypes() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDList labels =
                    new NDList(
                            manager.create(new float[] {2, 0, 1}).reshape(3, 1),
                            manager.create(new long[] {5, 0, 1}),
                            manager.create(new long[] {7, 8, 9}));
            NDArray value = new CrossEntropy().evaluate(labels, new NDList(threeRows(manager)));
            assertEquals(1.0593513f, value.getFloat(), 1e-6f);
            NDArray y32 = manager.create(new int[] {2, 0, 1});
            assertEquals(DataType.INT32, y32.getDataType());
            assertArrayEquals(
                    new float[] {LN3, LN2, LN4},
                    CrossEntropy.ofLogits(threeRows(manager), y32).toFloatArray(),
                    1e-6f);
        }
    }

    @Test
    void rejectsBadShapesLabelsAndNaN() {
        try (NDManager manager = NDManager.newBaseManager()) {
            CrossEntropy ce = new CrossEntropy();
            NDList labels = new NDList(manager.create(new long[] {2, 0, 1}));
            IllegalArgumentException noLogits =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> ce.evaluate(labels, new NDList()));
            assertTrue(noLogits.getMessage().contains("predictions[0]"), noLogits.getMessage());
            IllegalArgumentException flat =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> ce.evaluate(labels, new NDList(manager.zeros(new Shape(3)))));
            assertTrue(flat.getMessage().contains("[B, K]"), flat.getMessage());
            IllegalArgumentException size =
                    assertThrows(
                            IllegalArgumentException.class,
                            () ->
                                    ce.evaluate(
                                            new NDList(manager.create(new long[] {0, 1})),
                                            new NDList(threeRows(manager))));
            assertTrue(size.getMessage().contains("LABEL"), size.getMessage());
            IllegalArgumentException range =
                    assertThrows(
                            IllegalArgumentException.class,
                            () ->
                                    ce.evaluate(
                                            new NDList(manager.create(new long[] {0, 3, 1})),
                                            new NDList(threeRows(manager))));
            assertTrue(range.getMessage().contains("outside [0, 3)"), range.getMessage());
            NDArray nan = manager.create(new float[][] {{Float.NaN, 0, 0}, {0, 0, 0}, {0, 0, 0}});
            IllegalArgumentException notFinite =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> ce.evaluate(labels, new NDList(nan)));
            assertTrue(notFinite.getMessage().contains("NaN"), notFinite.getMessage());
        }
    }

    @Test
    void fractionalFloatLabelsAreRefusedNotTruncated() {
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            ai.djl.ndarray.NDArray logits = m.create(new float[] {1, 2, 3, 4}, new ai.djl.ndarray.types.Shape(2, 2));
            IllegalArgumentException e =
                    org.junit.jupiter.api.Assertions.assertThrows(
                            IllegalArgumentException.class,
                            () -> CrossEntropy.ofLogits(logits, m.create(new float[] {0f, 1.5f})));
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("whole numbers"), e.getMessage());
            // whole float labels are fine
            org.junit.jupiter.api.Assertions.assertEquals(2, CrossEntropy.ofLogits(logits, m.create(new float[] {0f, 1f})).size());
        }
    }
}
