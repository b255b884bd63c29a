package dev.debias.sampler;

import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Sampler;

import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A seeded DJL {@link Sampler} whose index stream is a pure function of {@code (seed, epoch)}.
 *
 * <p><b>Stream contract.</b> Every epoch {@code e >= 0} has its own random stream, a {@link
 * SplittableRandom} seeded with {@link #epochSeed(long, long) epochSeed(seed, e)}; nothing else (in
 * particular not DJL's global {@code RandomUtils}) is consulted. {@link
 * #sample(RandomAccessDataset, long)} returns the batches of epoch {@code e} directly and can be
 * called any number of times with the same result. The DJL entry point {@link
 * #sample(RandomAccessDataset)} keeps a cursor: its {@code k}-th call (0-based) on this instance
 * returns epoch {@code startEpoch + k}, so iterating a dataset's {@code getData(...)} once per
 * epoch yields epochs {@code startEpoch, startEpoch + 1, ...}. Note that every {@code iterator()}
 * call on such an iterable consumes one epoch.
 *
 * <p><b>Resume.</b> A trainer restarting at epoch {@code e} builds the sampler with the same
 * configuration and {@code optStartEpoch(e)} (or calls {@link #withStartEpoch(long)}) and gets the
 * index stream the interrupted run would have seen.
 *
 * <p>The configuration is immutable; the only state is the cursor of {@link
 * #sample(RandomAccessDataset)}, which is thread-safe. Indices are the dataset's own sample indices
 * (with-replacement and up-weighting samplers repeat them; they never renumber).
 */
public abstract class EpochSampler implements Sampler {

    private final int batchSize;
    private final long seed;
    private final long startEpoch;
    private final AtomicLong nextEpoch;

    /**
     * Creates the sampler from a validated builder.
     *
     * @param builder the builder
     */
    protected EpochSampler(BaseBuilder<?> builder) {
        this(builder.batchSize, builder.seed, builder.startEpoch);
    }

    /**
     * Creates the sampler.
     *
     * @param batchSize the batch size
     * @param seed the seed
     * @param startEpoch the epoch of the first {@link #sample(RandomAccessDataset)} call
     */
    protected EpochSampler(int batchSize, long seed, long startEpoch) {
        this.batchSize = batchSize;
        this.seed = seed;
        this.startEpoch = startEpoch;
        this.nextEpoch = new AtomicLong(startEpoch);
    }

    /**
     * Returns the batches of the next epoch and advances the cursor (see the class comment).
     *
     * @param dataset the dataset to sample from
     * @return the batches of sample indices
     */
    @Override
    public final Iterator<List<Long>> sample(RandomAccessDataset dataset) {
        return sample(dataset, nextEpoch.getAndIncrement());
    }

    /**
     * Returns the batches of sample indices of the given epoch; the cursor is not touched.
     *
     * @param dataset the dataset to sample from
     * @param epoch the epoch, {@code >= 0}
     * @return the batches of sample indices
     */
    public abstract Iterator<List<Long>> sample(RandomAccessDataset dataset, long epoch);

    /**
     * Returns a sampler with the same configuration whose first {@link
     * #sample(RandomAccessDataset)} call returns the given epoch.
     *
     * @param epoch the start epoch, {@code >= 0}
     * @return a new sampler
     */
    public abstract EpochSampler withStartEpoch(long epoch);

    /** {@inheritDoc} */
    @Override
    public int getBatchSize() {
        return batchSize;
    }

    /**
     * Returns the seed.
     *
     * @return the seed
     */
    public long getSeed() {
        return seed;
    }

    /**
     * Returns the epoch of the first {@link #sample(RandomAccessDataset)} call.
     *
     * @return the start epoch
     */
    public long getStartEpoch() {
        return startEpoch;
    }

    /**
     * Returns the epoch the next {@link #sample(RandomAccessDataset)} call will return.
     *
     * @return the next epoch
     */
    public long getNextEpoch() {
        return nextEpoch.get();
    }

    /**
     * Returns the seed of epoch {@code epoch}'s stream: two rounds of the SplitMix64 finaliser over
     * seed and epoch. It is a bijection of the epoch for a fixed seed and of the seed for a fixed
     * epoch, so different epochs (or seeds) never share a stream seed.
     *
     * @param seed the sampler seed
     * @param epoch the epoch
     * @return the stream seed
     */
    public static long epochSeed(long seed, long epoch) {
        return mix64(seed ^ mix64(epoch ^ 0x9E3779B97F4A7C15L));
    }

    /**
     * Returns a fresh random stream for the given epoch.
     *
     * @param epoch the epoch, {@code >= 0}
     * @return the stream
     */
    protected SplittableRandom random(long epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
        }
        return new SplittableRandom(epochSeed(seed, epoch));
    }

    /**
     * Returns the size of a dataset as an int, rejecting datasets too large for index arrays.
     *
     * @param dataset the dataset
     * @return its size
     */
    protected static int sizeOf(RandomAccessDataset dataset) {
        long n = dataset.size();
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("dataset of " + n + " samples is too large");
        }
        return (int) n;
    }

    /**
     * Shuffles the array in place (Fisher-Yates) with the given stream.
     *
     * @param values the array
     * @param random the stream
     */
    protected static void shuffle(int[] values, SplittableRandom random) {
        for (int i = values.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = values[i];
            values[i] = values[j];
            values[j] = t;
        }
    }

    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * The settings every {@link EpochSampler} has: batch size and seed (required), start epoch
     * (optional, default 0).
     *
     * @param <T> the concrete builder
     */
    public abstract static class BaseBuilder<T extends BaseBuilder<T>> {

        private int batchSize;
        private long seed;
        private boolean seedSet;
        private long startEpoch;

        /** Creates the builder. */
        protected BaseBuilder() {}

        /**
         * Sets the batch size.
         *
         * @param batchSize the number of indices per batch, positive
         * @return this builder
         */
        public T setBatchSize(int batchSize) {
            this.batchSize = batchSize;
            return self();
        }

        /**
         * Sets the seed of the index streams.
         *
         * @param seed the seed
         * @return this builder
         */
        public T setSeed(long seed) {
            this.seed = seed;
            this.seedSet = true;
            return self();
        }

        /**
         * Sets the epoch of the first {@link EpochSampler#sample(RandomAccessDataset)} call
         * (default 0), for resuming.
         *
         * @param epoch the start epoch, {@code >= 0}
         * @return this builder
         */
        public T optStartEpoch(long epoch) {
            this.startEpoch = epoch;
            return self();
        }

        /**
         * Returns this builder.
         *
         * @return this builder
         */
        protected abstract T self();

        /** Checks the common settings; subclasses call it from {@code build()}. */
        protected void validate() {
            if (batchSize < 1) {
                throw new IllegalArgumentException(
                        "batch size must be positive (setBatchSize), got " + batchSize);
            }
            if (!seedSet) {
                throw new IllegalArgumentException("a seed is required (setSeed)");
            }
            if (startEpoch < 0) {
                throw new IllegalArgumentException("start epoch must be >= 0, got " + startEpoch);
            }
        }

        /**
         * Returns the batch size set so far.
         *
         * @return the batch size
         */
        protected int batchSize() {
            return batchSize;
        }
    }
}
