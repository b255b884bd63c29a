package dev.debias.sampler;

import ai.djl.training.dataset.RandomAccessDataset;

import java.util.Iterator;
import java.util.List;

/**
 * Uniform reshuffling without replacement: every epoch is a fresh random permutation of all sample
 * indices, cut into batches (the ERM loop of every reference). With {@code dropLast} the partial
 * last batch is skipped (DisEnt's training loader); without it, it is kept (LfF's, Group DRO's).
 * Unlike DJL's {@code RandomSampler} it owns its seed, so runs are repeatable (see {@link
 * EpochSampler} for the stream contract).
 */
public final class ShuffleSampler extends EpochSampler {

    private final boolean dropLast;

    private ShuffleSampler(Builder builder) {
        super(builder);
        this.dropLast = builder.dropLast;
    }

    private ShuffleSampler(ShuffleSampler other, long startEpoch) {
        super(other.getBatchSize(), other.getSeed(), startEpoch);
        this.dropLast = other.dropLast;
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
     * Returns whether the partial last batch is dropped.
     *
     * @return true if it is dropped
     */
    public boolean isDropLast() {
        return dropLast;
    }

    /** {@inheritDoc} */
    @Override
    public Iterator<List<Long>> sample(RandomAccessDataset dataset, long epoch) {
        int[] order = new int[sizeOf(dataset)];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        shuffle(order, random(epoch));
        return IndexBatchIterator.over(order, getBatchSize(), dropLast);
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
    public static final class Builder extends BaseBuilder<Builder> {

        private boolean dropLast;

        Builder() {}

        /**
         * Sets whether the partial last batch of an epoch is dropped (default false).
         *
         * @param dropLast whether to drop it
         * @return this builder
         */
        public Builder optDropLast(boolean dropLast) {
            this.dropLast = dropLast;
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
        public ShuffleSampler build() {
            validate();
            return new ShuffleSampler(this);
        }
    }
}
