package dev.debias.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;

import dev.debias.data.GroupSpec;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.Random;

class GroupMetricsPropertiesTest {

    private static final double EPS = 1e-12;

    /** A random evaluation set: labels, groups (some unknown if asked), predictions. */
    private static final class Sample {
        final GroupSpec spec;
        final int[] labels;
        final int[] groups;
        final int[] predictions;

        Sample(int classes, int attributes, int n, boolean withUnknown, long seed) {
            Random random = new Random(seed);
            long[] trainCounts = new long[classes * attributes];
            for (int g = 0; g < trainCounts.length; g++) {
                trainCounts[g] = random.nextInt(50);
            }
            int[] aligned = new int[classes];
            for (int c = 0; c < classes; c++) {
                aligned[c] = random.nextInt(attributes + 1) - 1;
            }
            spec =
                    GroupSpec.builder(classes, attributes)
                            .optGroupCounts(trainCounts)
                            .optAlignedAttributes(aligned)
                            .build();
            labels = new int[n];
            groups = new int[n];
            predictions = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = random.nextInt(classes);
                int a = withUnknown && random.nextInt(5) == 0 ? -1 : random.nextInt(attributes);
                groups[i] = spec.groupOf(labels[i], a);
                predictions[i] = random.nextInt(4) == 0 ? random.nextInt(classes) : labels[i];
            }
        }

        GroupMetrics metrics() {
            return GroupMetricsAccumulator.of(spec, labels, groups, predictions);
        }
    }

    @Property
    void worstIsAtMostUnbiasedIsAtMostBest(
            @ForAll @IntRange(min = 1, max = 4) int classes,
            @ForAll @IntRange(min = 1, max = 4) int attributes,
            @ForAll @IntRange(min = 1, max = 80) int n,
            @ForAll long seed) {
        GroupMetrics m = new Sample(classes, attributes, n, true, seed).metrics();
        if (Double.isNaN(m.unbiasedAccuracy())) {
            // only possible when every sample has an unknown group
            assertEquals(n, m.unknownGroupCount());
            return;
        }
        assertTrue(m.worstGroupAccuracy() <= m.unbiasedAccuracy() + EPS);
        assertTrue(m.unbiasedAccuracy() <= m.bestGroupAccuracy() + EPS);
        for (double value :
                new double[] {m.alignedAccuracy(), m.conflictingAccuracy(), m.adjustedAccuracy()}) {
            assertTrue(
                    Double.isNaN(value)
                            || (m.worstGroupAccuracy() - EPS <= value
                                    && value <= m.bestGroupAccuracy() + EPS));
        }
        assertTrue(m.worstClassAccuracy() <= m.balancedAccuracy() + EPS);
    }

    @Property
    void metricsAreInvariantToSampleOrder(
            @ForAll @IntRange(min = 1, max = 4) int classes,
            @ForAll @IntRange(min = 1, max = 4) int attributes,
            @ForAll @IntRange(min = 1, max = 80) int n,
            @ForAll long seed) {
        Sample s = new Sample(classes, attributes, n, true, seed);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Random random = new Random(~seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int[] y = new int[n];
        int[] g = new int[n];
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = s.labels[order[i]];
            g[i] = s.groups[order[i]];
            p[i] = s.predictions[order[i]];
        }
        GroupMetrics original = s.metrics();
        GroupMetrics permuted = GroupMetricsAccumulator.of(s.spec, y, g, p);
        assertEquals(original, permuted);
        for (GroupMetric metric : GroupMetric.values()) {
            assertEquals(
                    Double.doubleToLongBits(original.get(metric)),
                    Double.doubleToLongBits(permuted.get(metric)),
                    metric.key());
        }
    }

    @Property
    void averageIsTheCountWeightedMeanOfGroupAccuracies(
            @ForAll @IntRange(min = 1, max = 4) int classes,
            @ForAll @IntRange(min = 1, max = 4) int attributes,
            @ForAll @IntRange(min = 1, max = 80) int n,
            @ForAll long seed) {
        GroupMetrics m = new Sample(classes, attributes, n, false, seed).metrics();
        double weighted = 0;
        for (int g = 0; g < m.groupSpec().numGroups(); g++) {
            if (m.groupCount(g) > 0) {
                weighted += m.groupCount(g) * m.groupAccuracy(g);
            }
        }
        assertEquals(weighted / n, m.averageAccuracy(), 1e-9);
        assertTrue(m.worstGroupAccuracy() <= m.averageAccuracy() + EPS);
        assertTrue(m.averageAccuracy() <= m.bestGroupAccuracy() + EPS);
    }

    @Property(tries = 25)
    void nativeBatchesEqualHostArrays(
            @ForAll @IntRange(min = 1, max = 4) int classes,
            @ForAll @IntRange(min = 1, max = 4) int attributes,
            @ForAll @IntRange(min = 1, max = 80) int n,
            @ForAll @IntRange(min = 0, max = 80) int split,
            @ForAll long seed) {
        Sample s = new Sample(classes, attributes, n, true, seed);
        int cut = Math.min(split, n);
        GroupMetricsAccumulator acc = new GroupMetricsAccumulator(s.spec);
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int[] range : new int[][] {{0, cut}, {cut, n}}) {
                int[] p = Fixture.slice(s.predictions, range[0], range[1]);
                float[] logits = new float[p.length * classes];
                for (int i = 0; i < p.length; i++) {
                    logits[i * classes + p[i]] = 1f;
                }
                acc.update(
                        manager.create(logits, new ai.djl.ndarray.types.Shape(p.length, classes)),
                        Fixture.labels(
                                manager,
                                Fixture.slice(s.labels, range[0], range[1]),
                                Fixture.slice(s.groups, range[0], range[1])));
            }
        }
        assertEquals(s.metrics(), acc.result());
    }
}
