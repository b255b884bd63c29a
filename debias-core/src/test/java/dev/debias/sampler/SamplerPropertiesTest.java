package dev.debias.sampler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

class SamplerPropertiesTest {

    @Property(tries = 200)
    void shuffleVisitsEveryIndexExactlyOncePerEpoch(
            @ForAll @IntRange(min = 1, max = 300) int n,
            @ForAll @IntRange(min = 1, max = 64) int batch,
            @ForAll long seed,
            @ForAll @LongRange(min = 0, max = 1000) long epoch) {
        ShuffleSampler s = ShuffleSampler.builder().setBatchSize(batch).setSeed(seed).build();
        List<List<Long>> batches = SizedDataset.batches(s.sample(SizedDataset.of(n), epoch));
        long[] all =
                batches.stream()
                        .flatMap(List::stream)
                        .mapToLong(Long::longValue)
                        .sorted()
                        .toArray();
        assertArrayEquals(IntStream.range(0, n).asLongStream().toArray(), all);
        for (int b = 0; b < batches.size() - 1; b++) {
            assertEquals(batch, batches.get(b).size());
        }
    }

    @Property(tries = 200)
    void shuffleWithDropLastYieldsOnlyFullBatchesOfDistinctIndices(
            @ForAll @IntRange(min = 1, max = 300) int n,
            @ForAll @IntRange(min = 1, max = 64) int batch,
            @ForAll long seed) {
        ShuffleSampler s =
                ShuffleSampler.builder()
                        .setBatchSize(batch)
                        .setSeed(seed)
                        .optDropLast(true)
                        .build();
        List<List<Long>> batches = SizedDataset.batches(s.sample(SizedDataset.of(n), 3));
        assertEquals(n / batch, batches.size());
        assertTrue(batches.stream().allMatch(b -> b.size() == batch));
        long distinct = batches.stream().flatMap(List::stream).distinct().count();
        assertEquals((long) (n / batch) * batch, distinct);
    }

    @Property(tries = 200)
    void upweightCountsAreExactlyOnePlusLambdaForErrorSamples(
            @ForAll @IntRange(min = 1, max = 200) int n,
            @ForAll @IntRange(min = 0, max = 6) int lambda,
            @ForAll @IntRange(min = 1, max = 32) int batch,
            @ForAll long seed,
            @ForAll long errorSeed) {
        java.util.SplittableRandom pick = new java.util.SplittableRandom(errorSeed);
        int[] errors = IntStream.range(0, n).filter(i -> pick.nextInt(3) == 0).toArray();
        UpweightSampler s =
                UpweightSampler.builder()
                        .setErrorSet(errors)
                        .setUpweight(lambda)
                        .setBatchSize(batch)
                        .setSeed(seed)
                        .build();
        long[] indices = SizedDataset.flat(s.sample(SizedDataset.of(n), 0));
        assertEquals(s.epochLength(n), indices.length);
        int[] counts = new int[n];
        for (long i : indices) {
            counts[(int) i]++;
        }
        boolean[] isError = new boolean[n];
        for (int e : errors) {
            isError[e] = true;
        }
        for (int i = 0; i < n; i++) {
            assertEquals(isError[i] ? 1 + lambda : 1, counts[i], "sample " + i);
        }
    }

    @Property(tries = 100)
    void equalSeedsAndEpochsGiveEqualStreams(
            @ForAll long seed,
            @ForAll @LongRange(min = 0, max = 1_000_000) long epoch,
            @ForAll @IntRange(min = 2, max = 100) int n) {
        double[] w = IntStream.range(0, n).mapToDouble(i -> 1 + i % 3).toArray();
        WeightedSampler a =
                WeightedSampler.builder().setWeights(w).setBatchSize(7).setSeed(seed).build();
        WeightedSampler b =
                WeightedSampler.builder().setWeights(w).setBatchSize(7).setSeed(seed).build();
        SizedDataset ds = SizedDataset.of(n);
        assertArrayEquals(
                SizedDataset.flat(a.sample(ds, epoch)), SizedDataset.flat(b.sample(ds, epoch)));
        ShuffleSampler c = ShuffleSampler.builder().setBatchSize(7).setSeed(seed).build();
        assertArrayEquals(
                SizedDataset.flat(c.sample(ds, epoch)), SizedDataset.flat(c.sample(ds, epoch)));
    }

    @Property(tries = 100)
    void differentEpochsGiveDifferentStreams(
            @ForAll long seed, @ForAll @LongRange(min = 0, max = 1_000_000) long epoch) {
        // 64 indices: two equal permutations by chance have probability 1/64!
        ShuffleSampler s = ShuffleSampler.builder().setBatchSize(16).setSeed(seed).build();
        SizedDataset ds = SizedDataset.of(64);
        assertFalse(
                Arrays.equals(
                        SizedDataset.flat(s.sample(ds, epoch)),
                        SizedDataset.flat(s.sample(ds, epoch + 1))));
        ShuffleSampler other = ShuffleSampler.builder().setBatchSize(16).setSeed(seed + 1).build();
        assertFalse(
                Arrays.equals(
                        SizedDataset.flat(s.sample(ds, epoch)),
                        SizedDataset.flat(other.sample(ds, epoch))));
    }

    @Property(tries = 200)
    void epochSeedIsInjectiveInEpoch(@ForAll long seed, @ForAll long e1, @ForAll long e2) {
        if (e1 != e2) {
            assertTrue(EpochSampler.epochSeed(seed, e1) != EpochSampler.epochSeed(seed, e2));
        }
    }
}
