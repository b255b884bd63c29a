package dev.debias.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debias.data.GroupSpec;

import org.junit.jupiter.api.Test;

class GroupMetricsTest {

    private static final double EPS = 1e-12;

    @Test
    void fixtureMatchesHandComputedValues() {
        GroupMetrics m =
                GroupMetricsAccumulator.of(
                        Fixture.spec(), Fixture.LABELS, Fixture.GROUPS, Fixture.PREDICTIONS);
        assertEquals(10, m.count());
        assertEquals(7, m.correct());
        assertArrayEquals(new long[] {3, 2, 1, 4}, m.groupCounts());
        // group accuracies: 2/3, 1/2, 0/1, 4/4
        assertArrayEquals(new double[] {2.0 / 3, 0.5, 0.0, 1.0}, m.groupAccuracies(), EPS);
        // average: (2 + 1 + 0 + 4) / 10
        assertEquals(0.7, m.averageAccuracy(), EPS);
        // worst: g2 with 0; best: g3 with 1
        assertEquals(0.0, m.worstGroupAccuracy(), EPS);
        assertEquals(2, m.worstGroup());
        assertEquals(1.0, m.bestGroupAccuracy(), EPS);
        assertEquals(3, m.bestGroup());
        // unbiased: (2/3 + 1/2 + 0 + 1) / 4 = (13/6) / 4 = 13/24
        assertEquals(13.0 / 24, m.unbiasedAccuracy(), EPS);
        // aligned (a == y: g0, g3): (2/3 + 1) / 2 = 5/6
        assertEquals(5.0 / 6, m.alignedAccuracy(), EPS);
        // conflicting (g1, g2): (1/2 + 0) / 2 = 1/4
        assertEquals(0.25, m.conflictingAccuracy(), EPS);
        // gap: 5/6 - 1/4 = 7/12
        assertEquals(7.0 / 12, m.gap(), EPS);
        // adjusted: (40 * 2/3 + 10 * 1/2 + 5 * 0 + 45 * 1) / 100 = (80/3 + 50) / 100 = 23/30
        assertEquals(23.0 / 30, m.adjustedAccuracy(), EPS);
        // classes: y=0 samples 0..4, correct 0, 1, 3 -> 3/5; y=1 samples 5..9, correct 6..9 -> 4/5
        assertEquals(0.6, m.classAccuracy(0), EPS);
        assertEquals(0.8, m.classAccuracy(1), EPS);
        assertEquals(0.7, m.balancedAccuracy(), EPS);
        assertEquals(0.6, m.worstClassAccuracy(), EPS);
        assertEquals(0, m.worstClass());
        assertTrue(Double.isNaN(m.meanLoss()));
    }

    @Test
    void alignmentComesFromTheSpecNotTheDiagonal() {
        // DCWP's CelebA: the majority pairs are (y=0, a=1) and (y=1, a=0), so aligned = {g1, g2}.
        GroupSpec swapped =
                Fixture.spec().toBuilder().optAlignedAttributes(new int[] {1, 0}).build();
        GroupMetrics m =
                GroupMetricsAccumulator.of(
                        swapped, Fixture.LABELS, Fixture.GROUPS, Fixture.PREDICTIONS);
        // aligned: (1/2 + 0) / 2 = 1/4; conflicting: (2/3 + 1) / 2 = 5/6; gap = 1/4 - 5/6 = -7/12
        assertEquals(0.25, m.alignedAccuracy(), EPS);
        assertEquals(5.0 / 6, m.conflictingAccuracy(), EPS);
        assertEquals(-7.0 / 12, m.gap(), EPS);
    }

    @Test
    void emptyGroupsAreSkipped() {
        // Drop sample 5, the only member of g2 (conflicting, accuracy 0).
        int[] keep = {0, 1, 2, 3, 4, 6, 7, 8, 9};
        GroupMetrics m =
                GroupMetricsAccumulator.of(
                        Fixture.spec(),
                        pick(Fixture.LABELS, keep),
                        pick(Fixture.GROUPS, keep),
                        pick(Fixture.PREDICTIONS, keep));
        assertEquals(0, m.groupCount(2));
        assertTrue(Double.isNaN(m.groupAccuracy(2)));
        // worst over g0, g1, g3: min(2/3, 1/2, 1) = 1/2
        assertEquals(0.5, m.worstGroupAccuracy(), EPS);
        assertEquals(1, m.worstGroup());
        // unbiased: (2/3 + 1/2 + 1) / 3 = (13/6) / 3 = 13/18
        assertEquals(13.0 / 18, m.unbiasedAccuracy(), EPS);
        // conflicting: g1 alone = 1/2
        assertEquals(0.5, m.conflictingAccuracy(), EPS);
        // adjusted renormalised over g0, g1, g3: (40 * 2/3 + 10 * 1/2 + 45 * 1) / 95
        assertEquals((80.0 / 3 + 5 + 45) / 95, m.adjustedAccuracy(), EPS);
    }

    @Test
    void undefinedValuesAreNaN() {
        // Only aligned samples: conflicting accuracy and gap are undefined.
        GroupMetrics m =
                GroupMetricsAccumulator.of(
                        Fixture.spec(), new int[] {0, 1}, new int[] {0, 3}, new int[] {0, 0});
        assertEquals(0.5, m.alignedAccuracy(), EPS);
        assertTrue(Double.isNaN(m.conflictingAccuracy()));
        assertTrue(Double.isNaN(m.gap()));

        GroupMetrics empty = new GroupMetricsAccumulator(Fixture.spec()).result();
        for (GroupMetric metric : GroupMetric.values()) {
            assertTrue(Double.isNaN(empty.get(metric)), metric.key());
        }
        assertEquals(-1, empty.worstGroup());

        // No training counts in the spec: adjusted accuracy is undefined.
        GroupSpec noCounts = GroupSpec.builder(2, 2).optDiagonalAlignment().build();
        GroupMetrics unweighted =
                GroupMetricsAccumulator.of(
                        noCounts, Fixture.LABELS, Fixture.GROUPS, Fixture.PREDICTIONS);
        assertTrue(Double.isNaN(unweighted.adjustedAccuracy()));
        assertEquals(13.0 / 24, unweighted.unbiasedAccuracy(), EPS);
    }

    @Test
    void unknownGroupSamplesCountTowardAverageAndClassOnly() {
        // Fixture plus two samples of unknown group: (y=0, pred 0) correct, (y=1, pred 0) wrong.
        int[] labels = append(Fixture.LABELS, 0, 1);
        int[] groups = append(Fixture.GROUPS, -1, -1);
        int[] predictions = append(Fixture.PREDICTIONS, 0, 0);
        GroupMetrics m = GroupMetricsAccumulator.of(Fixture.spec(), labels, groups, predictions);
        assertEquals(12, m.count());
        assertEquals(2, m.unknownGroupCount());
        assertEquals(1, m.unknownGroupCorrect());
        // average: (7 + 1) / 12
        assertEquals(8.0 / 12, m.averageAccuracy(), EPS);
        // groups unchanged
        assertArrayEquals(new long[] {3, 2, 1, 4}, m.groupCounts());
        assertEquals(13.0 / 24, m.unbiasedAccuracy(), EPS);
        // classes: y=0 4/6, y=1 4/6
        assertEquals(4.0 / 6, m.classAccuracy(0), EPS);
        assertEquals(4.0 / 6, m.classAccuracy(1), EPS);
    }

    @Test
    void classOnlySpecMakesUnbiasedEqualBalanced() {
        GroupSpec classes = GroupSpec.classOnly(2);
        // g = y when A = 1
        GroupMetrics m =
                GroupMetricsAccumulator.of(
                        classes, Fixture.LABELS, Fixture.LABELS, Fixture.PREDICTIONS);
        assertEquals(m.balancedAccuracy(), m.unbiasedAccuracy(), EPS);
        assertEquals(0.6, m.worstGroupAccuracy(), EPS);
        assertTrue(Double.isNaN(m.alignedAccuracy()));
        assertTrue(Double.isNaN(m.conflictingAccuracy()));
    }

    @Test
    void builderChecksConsistency() {
        GroupSpec spec = Fixture.spec();
        IllegalArgumentException tooManyCorrect =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                GroupMetrics.builder(spec)
                                        .setGroupCounts(
                                                new long[] {1, 1, 1, 1}, new long[] {0, 2, 0, 0}));
        assertTrue(tooManyCorrect.getMessage().contains("group 1"), tooManyCorrect.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> GroupMetrics.builder(spec).setGroupCounts(new long[3], new long[3]));
        IllegalArgumentException unknownWithoutClasses =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                GroupMetrics.builder(spec)
                                        .setGroupCounts(new long[4], new long[4])
                                        .optUnknownGroup(2, 1)
                                        .build());
        assertTrue(unknownWithoutClasses.getMessage().contains("optClassCounts"));
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        GroupMetrics.builder(spec)
                                .setGroupCounts(new long[] {1, 0, 0, 0}, new long[4])
                                .optClassCounts(new long[] {0, 1}, new long[2])
                                .build());
        assertThrows(IllegalArgumentException.class, () -> GroupMetrics.builder(spec).build());
    }

    @Test
    void builderAndHostArraysAgree() {
        GroupMetrics fromCounts =
                GroupMetrics.builder(Fixture.spec())
                        .setGroupCounts(new long[] {3, 2, 1, 4}, new long[] {2, 1, 0, 4})
                        .build();
        GroupMetrics fromArrays =
                GroupMetricsAccumulator.of(
                        Fixture.spec(), Fixture.LABELS, Fixture.GROUPS, Fixture.PREDICTIONS);
        assertEquals(fromArrays, fromCounts);
        assertEquals(fromArrays.hashCode(), fromCounts.hashCode());
        assertEquals(fromArrays.summary(), fromCounts.summary());
    }

    @Test
    void hostArraysAreValidated() {
        GroupSpec spec = Fixture.spec();
        IllegalArgumentException length =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> GroupMetricsAccumulator.of(spec, new int[2], new int[2], new int[3]));
        assertTrue(length.getMessage().contains("differ in length"));
        IllegalArgumentException group =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                GroupMetricsAccumulator.of(
                                        spec, new int[] {1, 1}, new int[] {3, 4}, new int[2]));
        assertTrue(group.getMessage().contains("sample 1"), group.getMessage());
        assertTrue(group.getMessage().contains("group id 4"), group.getMessage());
        IllegalArgumentException label =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                GroupMetricsAccumulator.of(
                                        spec, new int[] {2}, new int[] {-1}, new int[1]));
        assertTrue(label.getMessage().contains("class label 2"), label.getMessage());
        IllegalArgumentException mismatch =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                GroupMetricsAccumulator.of(
                                        spec, new int[] {0}, new int[] {2}, new int[1]));
        assertTrue(mismatch.getMessage().contains("belongs to class 1"), mismatch.getMessage());
    }

    @Test
    void metricKeysRoundTrip() {
        for (GroupMetric metric : GroupMetric.values()) {
            assertEquals(metric, GroupMetric.fromKey(metric.key()));
        }
        assertEquals("worstGroupAccuracy", GroupMetric.WORST_GROUP_ACCURACY.key());
        assertThrows(IllegalArgumentException.class, () -> GroupMetric.fromKey("nope"));
    }

    private static int[] pick(int[] values, int[] indices) {
        int[] out = new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            out[k] = values[indices[k]];
        }
        return out;
    }

    private static int[] append(int[] values, int... more) {
        int[] out = java.util.Arrays.copyOf(values, values.length + more.length);
        System.arraycopy(more, 0, out, values.length, more.length);
        return out;
    }
}
