package dev.debias.sampler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.List;

class WeightedSamplerTest {

    /** Pearson's statistic of observed counts against expected probabilities (cells with p > 0). */
    static double chiSquare(long[] counts, double[] p, long total) {
        double stat = 0;
        for (int i = 0; i < counts.length; i++) {
            if (p[i] > 0) {
                double e = p[i] * total;
                stat += (counts[i] - e) * (counts[i] - e) / e;
            }
        }
        return stat;
    }

    static long[] counts(int n, long[] indices) {
        long[] c = new long[n];
        for (long i : indices) {
            c[(int) i]++;
        }
        return c;
    }

    @Test
    void frequenciesFollowWeights() {
        double[] w = {1, 2, 3, 4, 0, 10};
        WeightedSampler s =
                WeightedSampler.builder()
                        .setWeights(w)
                        .setBatchSize(100)
                        .setSeed(2024)
                        .optNumBatches(2_000)
                        .build();
        long[] indices = SizedDataset.flat(s.sample(SizedDataset.of(w.length), 0));
        assertEquals(200_000, indices.length);
        long[] c = counts(w.length, indices);
        assertEquals(0, c[4], "zero-weight sample drawn");
        double[] p = {0.05, 0.1, 0.15, 0.2, 0, 0.5};
        for (int i = 0; i < w.length; i++) {
            assertEquals(p[i], s.probability(i), 1e-15);
        }
        // 4 degrees of freedom; P(chi2 > 23.5) = 1e-4
        double stat = chiSquare(c, p, indices.length);
        assertTrue(
                stat < 23.5, "chi-square " + stat + " for counts " + java.util.Arrays.toString(c));
    }

    @Test
    void defaultEpochIsCeilNOverBFullBatches() {
        double[] w = new double[10];
        java.util.Arrays.fill(w, 1);
        WeightedSampler d =
                WeightedSampler.builder().setWeights(w).setBatchSize(4).setSeed(1).build();
        assertEquals(12, d.getDrawsPerEpoch());
        List<List<Long>> batches = SizedDataset.batches(d.sample(SizedDataset.of(10), 0));
        assertEquals(List.of(4, 4, 4), batches.stream().map(List::size).toList());
        WeightedSampler draws =
                WeightedSampler.builder()
                        .setWeights(w)
                        .setBatchSize(4)
                        .setSeed(1)
                        .optNumDraws(10)
                        .build();
        assertEquals(
                List.of(4, 4, 2),
                SizedDataset.batches(draws.sample(SizedDataset.of(10), 0)).stream()
                        .map(List::size)
                        .toList());
    }

    @Test
    void trailingZeroWeightIsNeverDrawn() {
        double[] w = {0, 1e-300, 0, 0};
        WeightedSampler s =
                WeightedSampler.builder()
                        .setWeights(w)
                        .setBatchSize(50)
                        .setSeed(9)
                        .optNumBatches(20)
                        .build();
        for (long i : SizedDataset.flat(s.sample(SizedDataset.of(4), 0))) {
            assertEquals(1, i);
        }
    }

    @Test
    void upweightingGivesLambdaToTheSetAndOneToOthers() {
        WeightedSampler s =
                WeightedSampler.upweighting(5, new int[] {1, 3}, 80)
                        .setBatchSize(2)
                        .setSeed(3)
                        .build();
        assertArrayEquals(new double[] {1, 80, 1, 80, 1}, s.getWeights());
        assertEquals(80.0 / 163, s.probability(3), 1e-15);
        assertEquals(6, s.getDrawsPerEpoch());
        assertThrows(
                IllegalArgumentException.class,
                () -> WeightedSampler.upweighting(5, new int[] {5}, 80));
    }

    @Test
    void rejectsBadWeightsAndMismatchedDatasets() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class, () -> build(new double[] {1, Double.NaN}));
        assertTrue(e.getMessage().contains("sample 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> build(new double[] {1, -1}));
        assertThrows(IllegalArgumentException.class, () -> build(new double[] {0, 0}));
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> build(new double[] {1, 2}).sample(SizedDataset.of(3), 0));
        assertTrue(e.getMessage().contains("2 weights") && e.getMessage().contains("3 samples"));
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        WeightedSampler.builder()
                                .setWeights(new double[] {1})
                                .setBatchSize(1)
                                .setSeed(1)
                                .optNumBatches(2)
                                .optNumDraws(2)
                                .build());
    }

    private static WeightedSampler build(double[] w) {
        return WeightedSampler.builder().setWeights(w).setBatchSize(2).setSeed(1).build();
    }
}
