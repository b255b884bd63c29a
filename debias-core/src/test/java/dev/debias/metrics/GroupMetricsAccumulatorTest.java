package dev.debias.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;

class GroupMetricsAccumulatorTest {

    private static final GroupMetrics EXPECTED =
            GroupMetricsAccumulator.of(
                    Fixture.spec(), Fixture.LABELS, Fixture.GROUPS, Fixture.PREDICTIONS);

    @Test
    void nativeCountsFromLogitsEqualHostCounts() {
        try (NDManager manager = NDManager.newBaseManager()) {
            GroupMetricsAccumulator acc = new GroupMetricsAccumulator(Fixture.spec());
            acc.update(
                    Fixture.logits(manager, Fixture.PREDICTIONS),
                    Fixture.labels(manager, Fixture.LABELS, Fixture.GROUPS));
            GroupMetrics m = acc.result();
            assertEquals(EXPECTED, m);
            assertEquals(13.0 / 24, m.unbiasedAccuracy(), 1e-12);
        }
    }

    @Test
    void nativeCountsFromClassIdsEqualHostCounts() {
        try (NDManager manager = NDManager.newBaseManager()) {
            GroupMetricsAccumulator acc = new GroupMetricsAccumulator(Fixture.spec());
            acc.update(
                    manager.create(Fixture.PREDICTIONS),
                    Fixture.labels(manager, Fixture.LABELS, Fixture.GROUPS));
            assertEquals(EXPECTED, acc.result());
        }
    }

    @Test
    void twoBatchesEqualOnePass() {
        try (NDManager manager = NDManager.newBaseManager()) {
            GroupMetricsAccumulator acc = new GroupMetricsAccumulator(Fixture.spec());
            for (int[] range : new int[][] {{0, 6}, {6, 10}}) {
                int[] y = Fixture.slice(Fixture.LABELS, range[0], range[1]);
                int[] g = Fixture.slice(Fixture.GROUPS, range[0], range[1]);
                int[] p = Fixture.slice(Fixture.PREDICTIONS, range[0], range[1]);
                acc.update(Fixture.logits(manager, p), Fixture.labels(manager, y, g));
            }
            assertEquals(10, acc.count());
            assertEquals(EXPECTED, acc.result());
            acc.reset();
            assertEquals(0, acc.count());
            assertTrue(Double.isNaN(acc.result().averageAccuracy()));
        }
    }

    @Test
    void unknownGroupsCountTowardAverageOnly() {
        try (NDManager manager = NDManager.newBaseManager()) {
            int[] y = {0, 1, 1};
            int[] g = {-1, -1, 3};
            int[] p = {0, 0, 1};
            GroupMetricsAccumulator acc = new GroupMetricsAccumulator(Fixture.spec());
            acc.update(Fixture.logits(manager, p), Fixture.labels(manager, y, g));
            GroupMetrics m = acc.result();
            assertEquals(GroupMetricsAccumulator.of(Fixture.spec(), y, g, p), m);
            assertEquals(2, m.unknownGroupCount());
            assertEquals(1, m.groupCount(3));
            // average (1 + 0 + 1) / 3; group 3 alone: 1
            assertEquals(2.0 / 3, m.averageAccuracy(), 1e-12);
            assertEquals(1.0, m.unbiasedAccuracy(), 1e-12);
        }
    }

    @Test
    void leavesNoArraysBehind() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray logits = Fixture.logits(manager, Fixture.PREDICTIONS);
            NDList labels = Fixture.labels(manager, Fixture.LABELS, Fixture.GROUPS);
            int before = manager.getManagedArrays().size();
            GroupMetricsAccumulator acc = new GroupMetricsAccumulator(Fixture.spec());
            acc.update(logits, labels, manager.create(0.5f));
            // the loss scalar is the only new array, created by the test itself
            assertEquals(before + 1, manager.getManagedArrays().size());
            assertEquals(0.5, acc.result().meanLoss(), 1e-7);
        }
    }

    @Test
    void meanLossIsSampleWeighted() {
        try (NDManager manager = NDManager.newBaseManager()) {
            GroupMetricsAccumulator acc = new GroupMetricsAccumulator(Fixture.spec());
            // batch of 6 with mean loss 1.0, batch of 4 with mean loss 2.0: (6 + 8) / 10 = 1.4
            acc.update(
                    Fixture.logits(manager, Fixture.slice(Fixture.PREDICTIONS, 0, 6)),
                    Fixture.labels(
                            manager,
                            Fixture.slice(Fixture.LABELS, 0, 6),
                            Fixture.slice(Fixture.GROUPS, 0, 6)),
                    manager.create(1f));
            acc.update(
                    Fixture.logits(manager, Fixture.slice(Fixture.PREDICTIONS, 6, 10)),
                    Fixture.labels(
                            manager,
                            Fixture.slice(Fixture.LABELS, 6, 10),
                            Fixture.slice(Fixture.GROUPS, 6, 10)),
                    manager.create(2f));
            assertEquals(1.4, acc.result().meanLoss(), 1e-12);
            // a batch without loss makes the mean loss undefined
            acc.update(
                    Fixture.logits(manager, new int[] {0}),
                    Fixture.labels(manager, new int[] {0}, new int[] {0}));
            assertTrue(Double.isNaN(acc.result().meanLoss()));
        }
    }

    @Test
    void rejectsGroupIdOutOfRange() {
        try (NDManager manager = NDManager.newBaseManager()) {
            GroupMetricsAccumulator acc = new GroupMetricsAccumulator(Fixture.spec());
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () ->
                                    acc.update(
                                            Fixture.logits(manager, new int[] {0, 1}),
                                            Fixture.labels(
                                                    manager, new int[] {0, 1}, new int[] {0, 4})));
            assertTrue(e.getMessage().contains("group id 4"), e.getMessage());
            assertEquals(0, acc.count());
            IllegalArgumentException negative =
                    assertThrows(
                            IllegalArgumentException.class,
                            () ->
                                    acc.update(
                                            Fixture.logits(manager, new int[] {0}),
                                            Fixture.labels(
                                                    manager, new int[] {0}, new int[] {-2})));
            assertTrue(negative.getMessage().contains("group id -2"), negative.getMessage());
        }
    }

    @Test
    void rejectsLabelOutOfRangeAndWrongClassGroup() {
        try (NDManager manager = NDManager.newBaseManager()) {
            GroupMetricsAccumulator acc = new GroupMetricsAccumulator(Fixture.spec());
            IllegalArgumentException label =
                    assertThrows(
                            IllegalArgumentException.class,
                            () ->
                                    acc.update(
                                            Fixture.logits(manager, new int[] {0}),
                                            Fixture.labels(
                                                    manager, new int[] {2}, new int[] {-1})));
            assertTrue(label.getMessage().contains("class label 2"), label.getMessage());
            IllegalArgumentException mismatch =
                    assertThrows(
                            IllegalArgumentException.class,
                            () ->
                                    acc.update(
                                            Fixture.logits(manager, new int[] {0, 0}),
                                            Fixture.labels(
                                                    manager, new int[] {0, 0}, new int[] {1, 2})));
            assertTrue(mismatch.getMessage().contains("1 sample(s)"), mismatch.getMessage());
        }
    }

    @Test
    void rejectsMismatchedBatchSizesAndMissingGroupColumn() {
        try (NDManager manager = NDManager.newBaseManager()) {
            GroupMetricsAccumulator acc = new GroupMetricsAccumulator(Fixture.spec());
            IllegalArgumentException size =
                    assertThrows(
                            IllegalArgumentException.class,
                            () ->
                                    acc.update(
                                            Fixture.logits(manager, new int[] {0, 1, 1}),
                                            Fixture.labels(
                                                    manager, new int[] {0, 1}, new int[] {0, 3})));
            assertTrue(size.getMessage().contains("batch sizes disagree"), size.getMessage());
            IllegalArgumentException column =
                    assertThrows(
                            IllegalArgumentException.class,
                            () ->
                                    acc.update(
                                            Fixture.logits(manager, new int[] {0}),
                                            new NDList(manager.create(new long[] {0}))));
            assertTrue(column.getMessage().contains("group id column"), column.getMessage());
            IllegalArgumentException rank =
                    assertThrows(
                            IllegalArgumentException.class,
                            () ->
                                    acc.update(
                                            manager.zeros(new Shape(1, 2, 2)),
                                            Fixture.labels(manager, new int[] {0}, new int[] {0})));
            assertTrue(rank.getMessage().contains("(1, 2, 2)"), rank.getMessage());
        }
    }

    @Test
    void rejectsNaNPredictions() {
        try (NDManager manager = NDManager.newBaseManager()) {
            GroupMetricsAccumulator acc = new GroupMetricsAccumulator(Fixture.spec());
            NDArray logits = manager.create(new float[] {Float.NaN, 0f, 1f, 0f}, new Shape(2, 2));
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () ->
                                    acc.update(
                                            logits,
                                            Fixture.labels(
                                                    manager, new int[] {0, 0}, new int[] {0, 0})));
            assertTrue(e.getMessage().contains("NaN"), e.getMessage());
        }
    }
}
