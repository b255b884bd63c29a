package dev.debias.sampler;

import dev.debias.data.GroupedDataset;

/**
 * Group-balanced sampling with replacement, Group DRO's {@code reweight_groups} (Sagawa et al.,
 * ICLR 2020): sample {@code i} of group {@code g_i} gets weight {@code N / n_{g_i}}, so every
 * non-empty group is drawn with probability {@code 1 / #groups}; an epoch is {@code N} draws, the
 * last batch holding the remainder. The result is a {@link WeightedSampler}.
 */
public final class GroupBalancedSampler {

    private GroupBalancedSampler() {}

    /**
     * Returns the group-balanced weights {@code N / n_{g_i}}.
     *
     * @param groups the group of every sample, {@code >= 0}
     * @return the weight of every sample
     */
    public static double[] weights(int[] groups) {
        if (groups.length == 0) {
            throw new IllegalArgumentException("no samples to balance");
        }
        int maxGroup = 0;
        for (int i = 0; i < groups.length; i++) {
            if (groups[i] < 0) {
                throw new IllegalArgumentException(
                        "sample "
                                + i
                                + " has no group ("
                                + groups[i]
                                + "); group-balanced sampling needs every group label");
            }
            maxGroup = Math.max(maxGroup, groups[i]);
        }
        long[] counts = new long[maxGroup + 1];
        for (int g : groups) {
            counts[g]++;
        }
        double n = groups.length;
        double[] w = new double[groups.length];
        for (int i = 0; i < groups.length; i++) {
            w[i] = n / counts[groups[i]];
        }
        return w;
    }

    /**
     * Returns a group-balanced sampler over samples with the given groups.
     *
     * @param groups the group of every sample, {@code >= 0}
     * @param batchSize the batch size
     * @param seed the seed
     * @return the sampler, {@code N} draws per epoch
     */
    public static WeightedSampler of(int[] groups, int batchSize, long seed) {
        return WeightedSampler.builder()
                .setWeights(weights(groups))
                .setBatchSize(batchSize)
                .setSeed(seed)
                .optNumDraws(groups.length)
                .build();
    }

    /**
     * Returns a group-balanced sampler over a grouped dataset.
     *
     * @param dataset the dataset; every sample needs a known group
     * @param batchSize the batch size
     * @param seed the seed
     * @return the sampler, {@code N} draws per epoch
     */
    public static WeightedSampler of(GroupedDataset dataset, int batchSize, long seed) {
        return of(dataset.groups(), batchSize, seed);
    }
}
