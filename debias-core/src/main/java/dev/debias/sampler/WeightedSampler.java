package dev.debias.sampler;

import ai.djl.training.dataset.RandomAccessDataset;

import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Weighted sampling with replacement, like PyTorch's {@code WeightedRandomSampler(weights,
 * num_samples, replacement=True)}: every index is an independent draw of sample {@code i} with
 * probability {@code w_i / sum(w)}.
 *
 * <p>Epoch length:
 *
 * <ul>
 *   <li>default: {@code ceil(N / B)} batches of exactly {@code B} draws each (DCWP draws {@code B}
 *       fresh samples every step);
 *   <li>{@link Builder#optNumBatches(long)}: that many full batches;
 *   <li>{@link Builder#optNumDraws(long)}: that many draws, the last batch holding the remainder
 *       (Group DRO's {@code reweight_groups} draws {@code N} per epoch, see {@link
 *       GroupBalancedSampler}).
 * </ul>
 *
 * <p>A draw is a binary search of a uniform number in the cumulative weights ({@code O(log N)}).
 * Samples of weight zero are never drawn. Seeding and epochs follow {@link EpochSampler}. The
 * dataset passed to {@code sample} must have exactly as many samples as there are weights.
 */
public final class WeightedSampler extends EpochSampler {

    private final double[] weights;
    private final double[] cumulative;
    private final int lastPositive;
    private final long drawsPerEpoch;

    private WeightedSampler(Builder builder, double[] weights, long drawsPerEpoch) {
        super(builder);
        this.weights = weights;
        this.cumulative = new double[weights.length];
        double sum = 0;
        int last = -1;
        for (int i = 0; i < weights.length; i++) {
            sum += weights[i];
            cumulative[i] = sum;
            if (weights[i] > 0) {
                last = i;
            }
        }
        this.lastPositive = last;
        this.drawsPerEpoch = drawsPerEpoch;
    }

    private WeightedSampler(WeightedSampler other, long startEpoch) {
        super(other.getBatchSize(), other.getSeed(), startEpoch);
        this.weights = other.weights;
        this.cumulative = other.cumulative;
        this.lastPositive = other.lastPositive;
        this.drawsPerEpoch = other.drawsPerEpoch;
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
     * Returns a builder whose weights are {@code lambda} for the given samples and 1 for all others
     * (DCWP's up-weighting of mined bias-conflicting samples). Batch size and seed are still
     * required.
     *
     * @param datasetSize the number of samples {@code N}
     * @param indices the up-weighted samples, each in {@code [0, N)}
     * @param lambda their weight, positive and finite
     * @return a builder with the weights set
     */
    public static Builder upweighting(int datasetSize, int[] indices, double lambda) {
        if (datasetSize < 1) {
            throw new IllegalArgumentException("dataset size must be positive, got " + datasetSize);
        }
        if (!(lambda > 0) || Double.isInfinite(lambda)) {
            throw new IllegalArgumentException(
                    "up-weight must be positive and finite, got " + lambda);
        }
        double[] w = new double[datasetSize];
        Arrays.fill(w, 1.0);
        for (int k = 0; k < indices.length; k++) {
            int i = indices[k];
            if (i < 0 || i >= datasetSize) {
                throw new IllegalArgumentException(
                        "up-weighted index "
                                + i
                                + " (entry "
                                + k
                                + ") is outside [0, "
                                + datasetSize
                                + ")");
            }
            w[i] = lambda;
        }
        return new Builder().setWeights(w);
    }

    /**
     * Returns the weights.
     *
     * @return a copy of the weights
     */
    public double[] getWeights() {
        return weights.clone();
    }

    /**
     * Returns the probability of drawing sample {@code i} in one draw.
     *
     * @param i the sample index
     * @return {@code w_i / sum(w)}
     */
    public double probability(int i) {
        return weights[i] / cumulative[cumulative.length - 1];
    }

    /**
     * Returns the number of indices one epoch yields.
     *
     * @return the draws per epoch
     */
    public long getDrawsPerEpoch() {
        return drawsPerEpoch;
    }

    /** {@inheritDoc} */
    @Override
    public Iterator<List<Long>> sample(RandomAccessDataset dataset, long epoch) {
        long n = dataset.size();
        if (n != weights.length) {
            throw new IllegalArgumentException(
                    "the sampler has "
                            + weights.length
                            + " weights but the dataset has "
                            + n
                            + " samples");
        }
        SplittableRandom random = random(epoch);
        return new IndexBatchIterator(drawsPerEpoch, getBatchSize(), () -> draw(random));
    }

    /** {@inheritDoc} */
    @Override
    public WeightedSampler withStartEpoch(long epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("start epoch must be >= 0, got " + epoch);
        }
        return new WeightedSampler(this, epoch);
    }

    private int draw(SplittableRandom random) {
        double u = random.nextDouble() * cumulative[cumulative.length - 1];
        // first index whose cumulative weight exceeds u
        int lo = 0;
        int hi = cumulative.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cumulative[mid] > u) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        // u can round up to the total; never return a trailing zero-weight sample
        return Math.min(lo, lastPositive);
    }

    /** Builds a {@link WeightedSampler}. */
    public static final class Builder extends BaseBuilder<Builder> {

        private double[] weights;
        private long numBatches = -1;
        private long numDraws = -1;

        Builder() {}

        /**
         * Sets the non-negative, finite per-sample weights, at least one positive; they need not
         * sum to 1.
         *
         * @param weights the weight of every sample, indexed by sample index
         * @return this builder
         */
        public Builder setWeights(double[] weights) {
            this.weights = weights.clone();
            return this;
        }

        /**
         * Sets the number of full batches per epoch (default {@code ceil(N / B)}). Excludes {@link
         * #optNumDraws(long)}.
         *
         * @param numBatches the batches per epoch, positive
         * @return this builder
         */
        public Builder optNumBatches(long numBatches) {
            this.numBatches = numBatches;
            return this;
        }

        /**
         * Sets the number of draws per epoch; the last batch holds the remainder. Excludes {@link
         * #optNumBatches(long)}.
         *
         * @param numDraws the draws per epoch, positive
         * @return this builder
         */
        public Builder optNumDraws(long numDraws) {
            this.numDraws = numDraws;
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
        public WeightedSampler build() {
            validate();
            if (weights == null || weights.length == 0) {
                throw new IllegalArgumentException("weights are required (setWeights)");
            }
            boolean positive = false;
            for (int i = 0; i < weights.length; i++) {
                double w = weights[i];
                if (!(w >= 0) || Double.isInfinite(w)) {
                    throw new IllegalArgumentException(
                            "weight of sample " + i + " must be finite and >= 0, got " + w);
                }
                positive |= w > 0;
            }
            if (!positive) {
                throw new IllegalArgumentException("all " + weights.length + " weights are zero");
            }
            if (numBatches != -1 && numDraws != -1) {
                throw new IllegalArgumentException(
                        "set either optNumBatches or optNumDraws, not both");
            }
            long batch = batchSize();
            long draws;
            if (numDraws != -1) {
                draws = numDraws;
            } else if (numBatches != -1) {
                draws = Math.multiplyExact(numBatches, batch);
            } else {
                draws = (weights.length + batch - 1) / batch * batch;
            }
            if (draws < 1) {
                throw new IllegalArgumentException(
                        "an epoch must have at least one draw, got numBatches "
                                + numBatches
                                + ", numDraws "
                                + numDraws);
            }
            return new WeightedSampler(this, weights.clone(), draws);
        }
    }
}
