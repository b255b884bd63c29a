package dev.debias.loss;

import static dev.debias.loss.CrossEntropyTest.LN2;
import static dev.debias.loss.CrossEntropyTest.LN3;
import static dev.debias.loss.CrossEntropyTest.LN4;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import org.junit.jupiter.api.Test;

class WeightedCrossEntropyLossTest {

    @Test
    void weightColumnByHand() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // CE = [ln 3, ln 2, ln 4] (see CrossEntropyTest), weights [0.5, 2, 0]
            NDList labels =
                    new NDList(
                            manager.create(new long[] {2, 0, 1}),
                            manager.create(new long[] {0, 0, 0}),
                            manager.create(new long[] {0, 1, 2}),
                            manager.create(new float[] {0.5f, 2f, 0f}));
            NDList predictions = new NDList(CrossEntropyTest.threeRows(manager));
            WeightedCrossEntropyLoss loss = WeightedCrossEntropyLoss.builder().build();
            // w * CE = [0.5 ln 3, 2 ln 2, 0] = [0.5493061, 1.3862944, 0]
            assertArrayEquals(
                    new float[] {0.5f * LN3, 2 * LN2, 0},
                    loss.perSample(labels, predictions).toFloatArray(),
                    1e-6f);
            // divided by B = 3: 1.9356005 / 3 = 0.6452002
            assertEquals(0.6452002f, loss.evaluate(labels, predictions).getFloat(), 1e-6f);
            // divided by the weight sum 2.5: 1.9356005 / 2.5 = 0.7742402
            WeightedCrossEntropyLoss normalised =
                    WeightedCrossEntropyLoss.builder().optNormalizeBySumOfWeights(true).build();
            assertEquals(
                    0.7742402f, normalised.evaluate(labels, predictions).getFloat(), 1e-6f);
        }
    }

    @Test
    void groupTableByHand() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // groups [1, 0, -1] with table [2, 0.5] give weights [0.5, 2, 0] (unknown group -> 0)
            NDList labels =
                    new NDList(
                            manager.create(new long[] {2, 0, 1}),
                            manager.create(new long[] {1, 0, -1}));
            WeightedCrossEntropyLoss loss =
                    WeightedCrossEntropyLoss.builder()
                            .optGroupWeights(new double[] {2, 0.5})
                            .build();
            assertTrue(loss.usesGroupWeights());
            NDList predictions = new NDList(CrossEntropyTest.threeRows(manager));
            assertArrayEquals(
                    new float[] {0.5f * LN3, 2 * LN2, 0},
                    loss.perSample(labels, predictions).toFloatArray(),
                    1e-6f);
            assertEquals(0.6452002f, loss.evaluate(labels, predictions).getFloat(), 1e-6f);
            IllegalArgumentException outside =
                    assertThrows(
                            IllegalArgumentException.class,
                            () ->
                                    loss.evaluate(
                                            new NDList(
                                                    manager.create(new long[] {2, 0, 1}),
                                                    manager.create(new long[] {1, 2, 0})),
                                            predictions));
            assertTrue(outside.getMessage().contains("[-1, 2)"), outside.getMessage());
        }
    }

    @Test
    void staticWeightedHelper() {
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] values =
                    WeightedCrossEntropyLoss.weighted(
                                    CrossEntropyTest.threeRows(manager),
                                    manager.create(new long[] {2, 0, 1}),
                                    manager.create(new float[] {1f, 0f, 3f}))
                            .toFloatArray();
            assertArrayEquals(new float[] {LN3, 0, 3 * LN4}, values, 1e-6f);
        }
    }

    @Test
    void missingWeightColumnIsNamed() {
        try (NDManager manager = NDManager.newBaseManager()) {
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () ->
                                    WeightedCrossEntropyLoss.builder()
                                            .build()
                                            .evaluate(
                                                    new NDList(
                                                            manager.create(new long[] {2, 0, 1})),
                                                    new NDList(
                                                            CrossEntropyTest.threeRows(manager))));
            assertTrue(e.getMessage().contains("WEIGHT"), e.getMessage());
        }
    }

    @Test
    void inverseGroupFrequencies() {
        // N = 12: 12/6 = 2, 12/2 = 6, empty group 0, 12/4 = 3
        long[] counts = {6, 2, 0, 4};
        assertArrayEquals(
                new double[] {2, 6, 0, 3},
                WeightedCrossEntropyLoss.inverseGroupFrequency(counts),
                1e-12);
        assertArrayEquals(
                new double[] {Math.sqrt(2), Math.sqrt(6), 0, Math.sqrt(3)},
                WeightedCrossEntropyLoss.sqrtInverseGroupFrequency(counts),
                1e-12);
        assertThrows(
                IllegalArgumentException.class,
                () -> WeightedCrossEntropyLoss.inverseGroupFrequency(new long[] {0, 0}));
        assertThrows(
                IllegalArgumentException.class,
                () -> WeightedCrossEntropyLoss.builder().optGroupWeights(new double[] {1, -1}));
    }
}
