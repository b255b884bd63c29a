package dev.debias.sampler;

import ai.djl.training.dataset.RandomAccessDataset;

import dev.debias.data.GroupedDataset;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * One endless, reshuffled stream per group, and every batch takes a fixed number of samples from
 * each stream: CAMEL's stage-2 loader (Goel et al., "Model Patching", ICLR 2021; ALGORITHMS.md
 * §6.3), where the batch size is split evenly across the groups (the remainder to the last) and an
 * "epoch" is a fixed number of steps rather than a pass over the data.
 *
 * <p>A batch lists the groups' samples group by group, in increasing group id. Group {@code g}'s
 * stream is the concatenation of passes over its samples, pass {@code p} a permutation drawn from
 * a stream of {@code (seed, g, p)}; epoch {@code e} takes positions {@code e * steps * c_g} onwards
 * of it, so an epoch's batches are a pure function of {@code (seed, e)} (see {@link EpochSampler})
 * and a resumed run sees the batches the interrupted one would have.
 *
 * <p>The sampled dataset must be a {@link GroupedDataset} in which every group the sampler draws
 * from has a sample.
 */
public final class GroupStreamSampler extends EpochSampler {

    private final long stepsPerEpoch;
    private final int[] groups;

    private GroupStreamSampler(Builder builder) {
        super(builder);
        this.stepsPerEpoch = builder.stepsPerEpoch;
        this.groups = builder.groups;
    }

    private GroupStreamSampler(GroupStreamSampler other, long startEpoch) {
        super(other.getBatchSize(), other.getSeed(), startEpoch);
        this.stepsPerEpoch = other.stepsPerEpoch;
        this.groups = other.groups;
    }

    /**
     * Returns a new builder.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns CAMEL's sampler of a training set: batches of {@code batchSize} over every group
     * with a sample, {@code max(1, size / baselineBatchSize)} steps per epoch (§6.4: the steps of
     * an epoch come from {@code baseline_batch_size}, not from the batch size).
     *
     * @param train the training set
     * @param batchSize the batch size
     * @param baselineBatchSize the batch size that sets the epoch length
     * @param seed the seed
     * @return the sampler
     */
    public static GroupStreamSampler ofBaseline(GroupedDataset train, int batchSize, int baselineBatchSize, long seed) {
        if (baselineBatchSize < 1) {
            throw new IllegalArgumentException("baseline batch size must be positive, got " + baselineBatchSize);
        }
        return builder()
                .setBatchSize(batchSize)
                .setSeed(seed)
                .setStepsPerEpoch(Math.max(1, train.size() / baselineBatchSize))
                .build();
    }

    /**
     * Returns the number of batches of an epoch.
     *
     * @return the steps per epoch
     */
    public long stepsPerEpoch() {
        return stepsPerEpoch;
    }

    /**
     * Returns how many samples of each drawn group a batch holds.
     *
     * @param numGroups the number of groups drawn from
     * @param batchSize the batch size
     * @return the counts: {@code batchSize / numGroups} each, the remainder added to the last
     */
    public static int[] perGroupCounts(int numGroups, int batchSize) {
        if (numGroups < 1 || batchSize < numGroups) {
            throw new IllegalArgumentException(
                    "a batch of " + batchSize + " cannot hold a sample of each of " + numGroups + " groups");
        }
        int[] counts = new int[numGroups];
        Arrays.fill(counts, batchSize / numGroups);
        counts[numGroups - 1] += batchSize % numGroups;
        return counts;
    }

    /** {@inheritDoc} */
    @Override
    public Iterator<List<Long>> sample(RandomAccessDataset dataset, long epoch) {
        if (!(dataset instanceof GroupedDataset grouped)) {
            throw new IllegalArgumentException("a group-stream sampler needs a GroupedDataset, got "
                    + dataset.getClass().getSimpleName());
        }
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
        }
        int[] drawn = groups != null ? groups : nonEmptyGroups(grouped);
        int[][] members = members(grouped, drawn);
        int[] counts = perGroupCounts(drawn.length, getBatchSize());
        long[][] streams = new long[drawn.length][];
        for (int k = 0; k < drawn.length; k++) {
            streams[k] = stream(members[k], drawn[k], epoch * stepsPerEpoch * counts[k], stepsPerEpoch * counts[k]);
        }
        return new Iterator<>() {
            private long step;

            @Override
            public boolean hasNext() {
                return step < stepsPerEpoch;
            }

            @Override
            public List<Long> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                List<Long> batch = new ArrayList<>(getBatchSize());
                for (int k = 0; k < streams.length; k++) {
                    int from = Math.toIntExact(step * counts[k]);
                    for (int j = 0; j < counts[k]; j++) {
                        batch.add(streams[k][from + j]);
                    }
                }
                step++;
                return batch;
            }
        };
    }

    /** Positions {@code [start, start + length)} of a group's endless stream. */
    private long[] stream(int[] members, int group, long start, long length) {
        long[] out = new long[Math.toIntExact(length)];
        int n = members.length;
        long pass = start / n;
        int offset = (int) (start % n);
        int[] order = pass(members, group, pass);
        for (int k = 0; k < out.length; k++) {
            if (offset == n) {
                pass++;
                offset = 0;
                order = pass(members, group, pass);
            }
            out[k] = order[offset++];
        }
        return out;
    }

    private int[] pass(int[] members, int group, long pass) {
        int[] order = members.clone();
        shuffle(order, new SplittableRandom(epochSeed(epochSeed(getSeed(), group), pass)));
        return order;
    }

    private static int[] nonEmptyGroups(GroupedDataset dataset) {
        long[] counts = dataset.countGroups();
        int n = 0;
        for (long c : counts) {
            n += c > 0 ? 1 : 0;
        }
        int[] out = new int[n];
        int k = 0;
        for (int g = 0; g < counts.length; g++) {
            if (counts[g] > 0) {
                out[k++] = g;
            }
        }
        return out;
    }

    private static int[][] members(GroupedDataset dataset, int[] drawn) {
        int[] of = dataset.groups();
        int numGroups = dataset.groupSpec().numGroups();
        int[] counts = new int[numGroups];
        for (int g : of) {
            if (g >= 0) {
                counts[g]++;
            }
        }
        int[][] members = new int[drawn.length][];
        int[] slot = new int[numGroups];
        Arrays.fill(slot, -1);
        for (int k = 0; k < drawn.length; k++) {
            int g = drawn[k];
            if (g < 0 || g >= numGroups || counts[g] == 0) {
                throw new IllegalArgumentException(
                        "group " + (g >= 0 && g < numGroups ? dataset.groupSpec().groupName(g) : Integer.toString(g))
                                + " has no sample to stream from");
            }
            members[k] = new int[counts[g]];
            slot[g] = k;
        }
        int[] filled = new int[drawn.length];
        for (int i = 0; i < of.length; i++) {
            int g = of[i];
            if (g >= 0 && slot[g] >= 0) {
                members[slot[g]][filled[slot[g]]++] = i;
            }
        }
        return members;
    }

    /** {@inheritDoc} */
    @Override
    public GroupStreamSampler withStartEpoch(long epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("start epoch must be >= 0, got " + epoch);
        }
        return new GroupStreamSampler(this, epoch);
    }

    /** Builds a {@link GroupStreamSampler}. */
    public static final class Builder extends EpochSampler.BaseBuilder<Builder> {

        private long stepsPerEpoch;
        private int[] groups;

        Builder() {}

        /** {@inheritDoc} */
        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Sets the number of batches per epoch (CAMEL: the training size divided by {@code
         * baseline_batch_size}).
         *
         * @param steps the steps, positive
         * @return this builder
         */
        public Builder setStepsPerEpoch(long steps) {
            this.stepsPerEpoch = steps;
            return this;
        }

        /**
         * Sets the groups to stream from (default: every group with a sample in the sampled
         * dataset).
         *
         * @param ids the group ids, distinct
         * @return this builder
         */
        public Builder optGroups(int... ids) {
            int[] sorted = ids.clone();
            Arrays.sort(sorted);
            for (int k = 1; k < sorted.length; k++) {
                if (sorted[k] == sorted[k - 1]) {
                    throw new IllegalArgumentException("group " + sorted[k] + " is listed twice");
                }
            }
            this.groups = sorted;
            return this;
        }

        /**
         * Builds the sampler.
         *
         * @return the sampler
         */
        public GroupStreamSampler build() {
            validate();
            if (stepsPerEpoch < 1) {
                throw new IllegalArgumentException("steps per epoch must be positive (setStepsPerEpoch), got " + stepsPerEpoch);
            }
            if (groups != null) {
                perGroupCounts(groups.length, batchSize());
            }
            return new GroupStreamSampler(this);
        }
    }
}
