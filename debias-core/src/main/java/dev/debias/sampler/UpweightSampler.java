package dev.debias.sampler;

import ai.djl.training.dataset.RandomAccessDataset;

import java.util.Arrays;

/**
 * Up-sampling by concatenation, as in JTT (Liu et al., "Just Train Twice", ICML 2021): an epoch is
 * the dataset followed by {@code upweight} extra copies of every sample of an error set, shuffled
 * uniformly and cut into batches. A sample of the error set therefore appears exactly {@code 1 +
 * upweight} times per epoch, every other sample once; the indices yielded are the original sample
 * indices. (DCWP's up-weighting draws with replacement instead: {@link
 * WeightedSampler#upweighting}.) Seeding and epochs follow {@link EpochSampler}.
 */
public final class UpweightSampler extends PermutationSampler {

    private final int[] errorSet;
    private final int upweight;

    private UpweightSampler(Builder builder, int[] errorSet) {
        super(builder);
        this.errorSet = errorSet;
        this.upweight = builder.upweight;
    }

    private UpweightSampler(UpweightSampler other, long startEpoch) {
        super(other, startEpoch);
        this.errorSet = other.errorSet;
        this.upweight = other.upweight;
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
     * Returns JTT's automatic up-weight (its {@code --up_weight -1}): {@code floor((N - |E|) / |E|)
     * - 1}, which makes the error set about as large as the rest; clamped at 0 when the error set
     * is more than half the data (where the reference adds no copies either).
     *
     * @param datasetSize {@code N}
     * @param errorSetSize {@code |E|}, in {@code [1, N]}
     * @return the up-weight
     */
    public static int balancingUpweight(long datasetSize, long errorSetSize) {
        if (errorSetSize < 1 || errorSetSize > datasetSize) {
            throw new IllegalArgumentException(
                    "error set size " + errorSetSize + " must be in [1, " + datasetSize + "]");
        }
        return (int) Math.max(0, (datasetSize - errorSetSize) / errorSetSize - 1);
    }

    /**
     * Returns the sorted error set.
     *
     * @return a copy of the error-set indices
     */
    public int[] getErrorSet() {
        return errorSet.clone();
    }

    /**
     * Returns the number of extra copies of every error-set sample.
     *
     * @return the up-weight {@code lambda_up}
     */
    public int getUpweight() {
        return upweight;
    }

    /**
     * Returns the number of indices in an epoch over {@code datasetSize} samples, before dropping a
     * partial last batch.
     *
     * @param datasetSize the number of samples
     * @return {@code N + upweight * |E|}
     */
    public long epochLength(long datasetSize) {
        return datasetSize + (long) upweight * errorSet.length;
    }

    /** {@inheritDoc} */
    @Override
    protected int[] epochIndices(RandomAccessDataset dataset) {
        int n = sizeOf(dataset);
        if (errorSet.length > 0 && errorSet[errorSet.length - 1] >= n) {
            throw new IllegalArgumentException(
                    "error-set index "
                            + errorSet[errorSet.length - 1]
                            + " is outside the dataset of "
                            + n
                            + " samples");
        }
        long length = epochLength(n);
        if (length > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("an epoch of " + length + " indices is too long");
        }
        int[] order = new int[(int) length];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        int position = n;
        for (int copy = 0; copy < upweight; copy++) {
            System.arraycopy(errorSet, 0, order, position, errorSet.length);
            position += errorSet.length;
        }
        return order;
    }

    /** {@inheritDoc} */
    @Override
    public UpweightSampler withStartEpoch(long epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("start epoch must be >= 0, got " + epoch);
        }
        return new UpweightSampler(this, epoch);
    }

    /** Builds an {@link UpweightSampler}. */
    public static final class Builder extends PermutationSampler.Builder<Builder> {

        private int[] errorSet;
        private int upweight = -1;

        Builder() {}

        /**
         * Sets the error set: distinct, non-negative sample indices.
         *
         * @param indices the error-set sample indices
         * @return this builder
         */
        public Builder setErrorSet(int[] indices) {
            this.errorSet = indices.clone();
            return this;
        }

        /**
         * Sets the number of extra copies {@code lambda_up >= 0} of every error-set sample.
         *
         * @param upweight the up-weight
         * @return this builder
         */
        public Builder setUpweight(int upweight) {
            this.upweight = upweight;
            return this;
        }

        /** {@inheritDoc} */
        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Builds the sampler.
         *
         * @return the sampler
         */
        public UpweightSampler build() {
            validate();
            if (errorSet == null) {
                throw new IllegalArgumentException("the error set is required (setErrorSet)");
            }
            if (upweight < 0) {
                throw new IllegalArgumentException(
                        "up-weight must be set and >= 0 (setUpweight), got " + upweight);
            }
            int[] sorted = errorSet.clone();
            Arrays.sort(sorted);
            for (int k = 0; k < sorted.length; k++) {
                if (sorted[k] < 0) {
                    throw new IllegalArgumentException(
                            "error-set index " + sorted[k] + " is negative");
                }
                if (k > 0 && sorted[k] == sorted[k - 1]) {
                    throw new IllegalArgumentException(
                            "error-set index " + sorted[k] + " appears more than once");
                }
            }
            return new UpweightSampler(this, sorted);
        }
    }
}
