package dev.debias.sampler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

class UpweightSamplerTest {

    private static UpweightSampler sampler(int[] errors, int lambda, boolean dropLast) {
        return UpweightSampler.builder()
                .setErrorSet(errors)
                .setUpweight(lambda)
                .setBatchSize(4)
                .setSeed(8)
                .optDropLast(dropLast)
                .build();
    }

    @Test
    void epochIsDatasetPlusLambdaCopiesOfErrors() {
        UpweightSampler s = sampler(new int[] {7, 2}, 3, false);
        assertArrayEquals(new int[] {2, 7}, s.getErrorSet());
        assertEquals(10 + 3 * 2, s.epochLength(10));
        long[] e0 = SizedDataset.flat(s.sample(SizedDataset.of(10), 0));
        long[] sorted = e0.clone();
        Arrays.sort(sorted);
        assertArrayEquals(new long[] {0, 1, 2, 2, 2, 2, 3, 4, 5, 6, 7, 7, 7, 7, 8, 9}, sorted);
        long[] e1 = SizedDataset.flat(s.sample(SizedDataset.of(10), 1));
        assertFalse(Arrays.equals(e0, e1));
        assertArrayEquals(e1, SizedDataset.flat(s.withStartEpoch(1).sample(SizedDataset.of(10))));
    }

    @Test
    void dropLastSkipsThePartialBatch() {
        List<List<Long>> batches =
                SizedDataset.batches(sampler(new int[] {0}, 1, true).sample(SizedDataset.of(6), 0));
        assertEquals(List.of(4), batches.stream().map(List::size).toList());
    }

    @Test
    void balancingUpweightFollowsJtt() {
        // floor((1000 - 50) / 50) - 1 = 18
        assertEquals(18, UpweightSampler.balancingUpweight(1000, 50));
        assertEquals(0, UpweightSampler.balancingUpweight(10, 6));
        assertThrows(
                IllegalArgumentException.class, () -> UpweightSampler.balancingUpweight(10, 0));
    }

    @Test
    void rejectsBadErrorSets() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class, () -> sampler(new int[] {1, 1}, 2, false));
        assertTrue(e.getMessage().contains("more than once"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> sampler(new int[] {-1}, 2, false));
        assertThrows(IllegalArgumentException.class, () -> sampler(new int[] {1}, -1, false));
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> sampler(new int[] {12}, 2, false).sample(SizedDataset.of(10), 0));
        assertTrue(e.getMessage().contains("12") && e.getMessage().contains("10"), e.getMessage());
    }
}
