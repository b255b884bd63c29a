package dev.debias.sampler;

import ai.djl.training.dataset.RandomAccessDataset;


/**
 * Uniform reshuffling without replacement: every epoch is a fresh random permutation of all sample
 * indices, cut into batches (the ERM loop of every reference; the partial last batch as {@link
 * PermutationSampler} describes).
 * Unlike DJL's {@code RandomSampler} it owns its seed, so runs are repeatable (see {@link
 * EpochSampler} for the stream contract).
 */
public final class ShuffleSampler extends PermutationSampler {

    private ShuffleSampler(Builder builder) {
        super(builder);
    }

    private ShuffleSampler(ShuffleSampler other, long startEpoch) {
        super(other, startEpoch);
    }

    /**
     * Returns a new builder.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** {@inheritDoc} */
    @Override
    protected int[] epochIndices(RandomAccessDataset dataset) {
        int[] order = new int[sizeOf(dataset)];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        return order;
    }

    /** {@inheritDoc} */
    @Override
    public ShuffleSampler withStartEpoch(long epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("start epoch must be >= 0, got " + epoch);
        }
        return new ShuffleSampler(this, epoch);
    }

    /** Builds a {@link ShuffleSampler}. */
    public static final class Builder extends PermutationSampler.Builder<Builder> {

        Builder() {}

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
        public ShuffleSampler build() {
            validate();
            return new ShuffleSampler(this);
        }
    }
}
