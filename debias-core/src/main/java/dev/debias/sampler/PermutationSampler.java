package dev.debias.sampler;

import ai.djl.training.dataset.RandomAccessDataset;

import java.util.Iterator;
import java.util.List;

/**
 * An {@link EpochSampler} whose epoch is a seeded permutation of a fixed list of sample indices,
 * cut into batches; with {@code dropLast} the partial last batch is skipped (DisEnt's training
 * loader), without it the batch is kept (LfF's, Group DRO's, JTT's). Subclasses say which indices
 * an epoch holds: {@link ShuffleSampler} every sample once, {@link UpweightSampler} the error set
 * several times.
 */
public abstract class PermutationSampler extends EpochSampler {

    private final boolean dropLast;

    /**
     * Creates the sampler from its builder.
     *
     * @param builder the validated builder
     */
    protected PermutationSampler(Builder<?> builder) {
        super(builder);
        this.dropLast = builder.dropLast;
    }

    /**
     * Copies a sampler with another start epoch.
     *
     * @param other the sampler to copy
     * @param startEpoch the epoch of the first {@code sample} call
     */
    protected PermutationSampler(PermutationSampler other, long startEpoch) {
        super(other.getBatchSize(), other.getSeed(), startEpoch);
        this.dropLast = other.dropLast;
    }

    /**
     * Returns whether the partial last batch is dropped.
     *
     * @return true if it is dropped
     */
    public boolean isDropLast() {
        return dropLast;
    }

    /**
     * Returns the indices of one epoch, before shuffling; a fresh array the caller may reorder.
     *
     * @param dataset the dataset sampled
     * @return the epoch's sample indices, repeats allowed
     */
    protected abstract int[] epochIndices(RandomAccessDataset dataset);

    /** {@inheritDoc} */
    @Override
    public final Iterator<List<Long>> sample(RandomAccessDataset dataset, long epoch) {
        int[] order = epochIndices(dataset);
        shuffle(order, random(epoch));
        return IndexBatchIterator.over(order, getBatchSize(), dropLast);
    }

    /**
     * The settings of every permutation sampler: those of {@link EpochSampler.BaseBuilder} and
     * whether the partial last batch is dropped.
     *
     * @param <T> the concrete builder
     */
    public abstract static class Builder<T extends Builder<T>> extends BaseBuilder<T> {

        private boolean dropLast;

        /** Creates the builder. */
        protected Builder() {}

        /**
         * Sets whether the partial last batch of an epoch is dropped (default false).
         *
         * @param dropLast whether to drop it
         * @return this builder
         */
        public T optDropLast(boolean dropLast) {
            this.dropLast = dropLast;
            return self();
        }
    }
}
