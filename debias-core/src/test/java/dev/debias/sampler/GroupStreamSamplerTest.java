package dev.debias.sampler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;

import dev.debias.data.GroupSpec;
import dev.debias.data.GroupedArrayDataset;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class GroupStreamSamplerTest {

    /** 4 groups of sizes 10, 3, 5, 12 in a 2 x 2 spec. */
    private static GroupedArrayDataset data() {
        int[] sizes = {10, 3, 5, 12};
        int n = 30;
        int[] y = new int[n];
        int[] a = new int[n];
        int i = 0;
        for (int g = 0; g < 4; g++) {
            for (int k = 0; k < sizes[g]; k++, i++) {
                y[i] = g / 2;
                a[i] = g % 2;
            }
        }
        return GroupedArrayDataset.builder()
                .setFeatures(new float[n], new Shape(1))
                .setLabels(y)
                .optAttributes(a)
                .optGroupSpec(GroupSpec.builder(2, 2).build())
                .build();
    }

    private static List<List<Long>> epoch(GroupStreamSampler sampler, GroupedArrayDataset ds, long e) {
        List<List<Long>> out = new ArrayList<>();
        sampler.sample(ds, e).forEachRemaining(out::add);
        return out;
    }

    @Test
    void splitsTheBatchEvenlyWithTheRemainderLast() {
        assertArrayEquals(new int[] {25, 25, 25, 25}, GroupStreamSampler.perGroupCounts(4, 100));
        assertArrayEquals(new int[] {4, 4, 4, 6}, GroupStreamSampler.perGroupCounts(4, 18));
        assertThrows(IllegalArgumentException.class, () -> GroupStreamSampler.perGroupCounts(4, 3));
    }

    @Test
    void everyBatchTakesItsShareOfEachGroupInGroupOrder() {
        try (GroupedArrayDataset ds = data()) {
            GroupStreamSampler sampler = GroupStreamSampler.builder().setBatchSize(8).setSeed(1).setStepsPerEpoch(7).build();
            List<List<Long>> batches = epoch(sampler, ds, 0);
            assertEquals(7, batches.size());
            int[] groups = ds.groups();
            for (List<Long> batch : batches) {
                assertEquals(8, batch.size());
                for (int k = 0; k < 8; k++) {
                    assertEquals(k / 2, groups[Math.toIntExact(batch.get(k))]);
                }
            }
        }
    }

    @Test
    void eachPassOverAGroupIsAPermutation() {
        try (GroupedArrayDataset ds = data()) {
            // group 1 has 3 samples and gives 2 per batch: 6 steps are 4 passes
            GroupStreamSampler sampler = GroupStreamSampler.builder().setBatchSize(8).setSeed(3).setStepsPerEpoch(6).build();
            List<Long> stream = new ArrayList<>();
            for (List<Long> batch : epoch(sampler, ds, 0)) {
                stream.addAll(batch.subList(2, 4));
            }
            for (int pass = 0; pass < 4; pass++) {
                List<Long> part = new ArrayList<>(stream.subList(3 * pass, 3 * pass + 3));
                part.sort(null);
                assertEquals(List.of(10L, 11L, 12L), part, "pass " + pass);
            }
        }
    }

    @Test
    void anEpochContinuesTheStreamsOfThePreviousOne() {
        try (GroupedArrayDataset ds = data()) {
            GroupStreamSampler two = GroupStreamSampler.builder().setBatchSize(8).setSeed(9).setStepsPerEpoch(10).build();
            GroupStreamSampler one = GroupStreamSampler.builder().setBatchSize(8).setSeed(9).setStepsPerEpoch(5).build();
            List<List<Long>> long0 = epoch(two, ds, 0);
            List<List<Long>> joined = new ArrayList<>(epoch(one, ds, 0));
            joined.addAll(epoch(one, ds, 1));
            assertEquals(long0, joined);
            assertEquals(epoch(one, ds, 1), epoch(one.withStartEpoch(4), ds, 1), "a pure function of (seed, epoch)");
        }
    }

    @Test
    void aGroupWithoutSamplesIsNamed() {
        try (GroupedArrayDataset ds = data()) {
            GroupSpec spec = GroupSpec.builder(2, 3).build();
            GroupedArrayDataset three = GroupedArrayDataset.builder()
                    .setFeatures(new float[30], new Shape(1))
                    .setLabels(ds.labels())
                    .optAttributes(ds.attributes())
                    .optGroupSpec(spec)
                    .build();
            GroupStreamSampler sampler =
                    GroupStreamSampler.builder().setBatchSize(6).setSeed(1).setStepsPerEpoch(2).optGroups(0, 2).build();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sampler.sample(three, 0));
            assertTrue(e.getMessage().contains(spec.groupName(2)), e.getMessage());
            three.close();
        }
    }

    @Test
    void stepsPerEpochComeFromTheBaselineBatchSize() {
        try (GroupedArrayDataset ds = data()) {
            assertEquals(3, GroupStreamSampler.ofBaseline(ds, 8, 10, 0).stepsPerEpoch());
            assertEquals(1, GroupStreamSampler.ofBaseline(ds, 8, 100, 0).stepsPerEpoch());
            Map<Long, Integer> seen = new HashMap<>();
            Iterator<List<Long>> it = GroupStreamSampler.ofBaseline(ds, 8, 10, 0).sample(ds, 0);
            it.forEachRemaining(b -> b.forEach(i -> seen.merge(i, 1, Integer::sum)));
            assertEquals(24, seen.values().stream().mapToInt(Integer::intValue).sum());
        }
    }
}
