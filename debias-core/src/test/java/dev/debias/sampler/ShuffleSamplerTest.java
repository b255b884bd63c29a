package dev.debias.sampler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.debias.data.GroupedArrayDataset;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

class ShuffleSamplerTest {

    private static ShuffleSampler sampler(int batch, long seed, boolean dropLast) {
        return ShuffleSampler.builder()
                .setBatchSize(batch)
                .setSeed(seed)
                .optDropLast(dropLast)
                .build();
    }

    @Test
    void batchesHaveTheBatchSizeAndKeepOrDropTheRemainder() {
        SizedDataset ds = SizedDataset.of(10);
        List<List<Long>> kept = SizedDataset.batches(sampler(4, 1, false).sample(ds, 0));
        assertEquals(List.of(4, 4, 2), kept.stream().map(List::size).toList());
        List<List<Long>> dropped = SizedDataset.batches(sampler(4, 1, true).sample(ds, 0));
        assertEquals(List.of(4, 4), dropped.stream().map(List::size).toList());
        // dropping keeps the first 8 indices of the same permutation
        assertEquals(kept.subList(0, 2), dropped);
    }

    @Test
    void cursorWalksEpochsAndResumes() {
        SizedDataset ds = SizedDataset.of(50);
        ShuffleSampler s = sampler(8, 42, false);
        long[] e0 = SizedDataset.flat(s.sample(ds));
        long[] e1 = SizedDataset.flat(s.sample(ds));
        assertEquals(2, s.getNextEpoch());
        assertArrayEquals(SizedDataset.flat(s.sample(ds, 0)), e0);
        assertArrayEquals(SizedDataset.flat(s.sample(ds, 1)), e1);
        assertFalse(Arrays.equals(e0, e1));
        ShuffleSampler resumed = s.withStartEpoch(1);
        assertArrayEquals(e1, SizedDataset.flat(resumed.sample(ds)));
        ShuffleSampler rebuilt =
                ShuffleSampler.builder().setBatchSize(8).setSeed(42).optStartEpoch(1).build();
        assertArrayEquals(e1, SizedDataset.flat(rebuilt.sample(ds)));
        assertEquals(2, rebuilt.getNextEpoch());
    }

    @Test
    void drivesGroupedDatasetIteration() throws Exception {
        int n = 7;
        GroupedArrayDataset.Builder builder =
                GroupedArrayDataset.builder()
                        .setFeatures(new float[n], new Shape(1))
                        .setLabels(new int[n]);
        ShuffleSampler s = sampler(3, 5, false);
        builder.setSampling(s);
        try (GroupedArrayDataset ds = builder.build();
                NDManager manager = NDManager.newBaseManager()) {
            long[] expected = SizedDataset.flat(s.sample(ds, 0));
            long[] seen = new long[n];
            int k = 0;
            for (Batch batch : ds.getData(manager)) {
                try (batch) {
                    for (long i : batch.getLabels().get(2).toLongArray()) {
                        seen[k++] = i;
                    }
                }
            }
            assertArrayEquals(expected, seen);
            assertEquals(1, s.getNextEpoch());
        }
    }

    @Test
    void rejectsMissingSettings() {
        assertThrows(
                IllegalArgumentException.class,
                () -> ShuffleSampler.builder().setBatchSize(4).build());
        assertThrows(
                IllegalArgumentException.class, () -> ShuffleSampler.builder().setSeed(1).build());
        assertThrows(IllegalArgumentException.class, () -> sampler(4, 1, false).withStartEpoch(-1));
        assertThrows(
                IllegalArgumentException.class,
                () -> sampler(4, 1, false).sample(SizedDataset.of(3), -2));
    }
}
