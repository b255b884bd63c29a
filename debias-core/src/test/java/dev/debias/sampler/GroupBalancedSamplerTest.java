package dev.debias.sampler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debias.data.GroupedArrayDataset;

import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;

class GroupBalancedSamplerTest {

    @Test
    void weightsAreNOverGroupCount() {
        // N = 6; n_0 = 3, n_1 = 1, n_2 = 2
        assertArrayEquals(
                new double[] {2, 2, 6, 2, 3, 3},
                GroupBalancedSampler.weights(new int[] {0, 0, 1, 0, 2, 2}),
                1e-12);
    }

    @Test
    void groupsAreDrawnEquallyOften() {
        int[] groups = new int[1_110];
        for (int i = 0; i < groups.length; i++) {
            groups[i] = i < 1_000 ? 0 : i < 1_100 ? 1 : 2;
        }
        WeightedSampler s = GroupBalancedSampler.of(groups, 128, 77);
        assertEquals(groups.length, s.getDrawsPerEpoch());
        long[] perGroup = new long[3];
        long total = 0;
        for (int epoch = 0; epoch < 180; epoch++) {
            for (long i : SizedDataset.flat(s.sample(SizedDataset.of(groups.length), epoch))) {
                perGroup[groups[(int) i]]++;
                total++;
            }
        }
        assertEquals(180L * 1_110, total);
        double stat =
                WeightedSamplerTest.chiSquare(
                        perGroup, new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0}, total);
        // 2 degrees of freedom; P(chi2 > 18.4) = 1e-4
        assertTrue(
                stat < 18.4, "chi-square " + stat + " for " + java.util.Arrays.toString(perGroup));
    }

    @Test
    void readsGroupsFromAGroupedDataset() throws Exception {
        try (GroupedArrayDataset ds =
                GroupedArrayDataset.builder()
                        .setFeatures(new float[4], new Shape(1))
                        .setLabels(new int[] {0, 0, 1, 1})
                        .optAttributes(new int[] {0, 0, 0, 1})
                        .setSampling(2, false)
                        .build()) {
            WeightedSampler s = GroupBalancedSampler.of(ds, 2, 1);
            // groups 0, 0, 2, 3 -> weights 4/2, 4/2, 4/1, 4/1
            assertArrayEquals(new double[] {2, 2, 4, 4}, s.getWeights(), 1e-12);
            assertEquals(4, SizedDataset.flat(s.sample(ds, 0)).length);
        }
    }

    @Test
    void rejectsUnknownGroups() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> GroupBalancedSampler.weights(new int[] {0, -1}));
        assertTrue(e.getMessage().contains("sample 1"), e.getMessage());
    }
}
