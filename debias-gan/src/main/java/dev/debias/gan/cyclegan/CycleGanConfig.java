package dev.debias.gan.cyclegan;

import ai.djl.ndarray.types.Shape;

import com.google.gson.JsonObject;

import dev.debias.train.LearningRateSchedule;
import dev.debias.train.ModelSelection;
import dev.debias.train.OptimizerConfig;
import dev.debias.train.TrainingConfig;

import java.util.Locale;
import java.util.Objects;

/**
 * Settings of a CycleGAN subgroup translator (CAMEL's stage 1; Goel et al., "Model Patching", ICLR
 * 2021; ALGORITHMS.md §5): the shared {@link TrainingConfig} (steps, batch size per domain, the
 * generators' Adam, seed, checkpoints), the discriminators' Adam, the cycle and identity weights,
 * the replay pool's size, the adversarial loss, whether only the source domain's cycle counts, and
 * the train-time augmentation.
 */
public final class CycleGanConfig {

    /** Train-time augmentation of the real images (§5.5), applied before scaling to [-1, 1]. */
    public enum Augmentation {
        /** None. */
        NONE,
        /** MNIST: rotation in [-45°, 45°], then a zero-pad of 4 and a random crop. */
        MNIST,
        /** RGB: horizontal flip with probability 0.5, then a random crop of 0-10 % per side resized back. */
        FLIP_CROP
    }

    private final TrainingConfig training;
    private final OptimizerConfig discriminatorOptimizer;
    private final float cycleWeight;
    private final float identityWeight;
    private final int poolSize;
    private final AdversarialLoss adversarialLoss;
    private final boolean sourceCycleOnly;
    private final Augmentation augmentation;

    private CycleGanConfig(Builder b) {
        this.training = b.training;
        this.discriminatorOptimizer = b.discriminatorOptimizer;
        this.cycleWeight = b.cycleWeight;
        this.identityWeight = b.identityWeight;
        this.poolSize = b.poolSize;
        this.adversarialLoss = b.adversarialLoss;
        this.sourceCycleOnly = b.sourceCycleOnly;
        this.augmentation = b.augmentation;
    }

    /**
     * Returns a builder.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns Keras' Adam as CAMEL's CycleGAN uses it: beta1 0.5, beta2 0.999, epsilon 1e-7.
     *
     * @param learningRate the learning rate
     * @return the optimiser settings
     */
    public static OptimizerConfig.Builder adam(float learningRate) {
        return OptimizerConfig.adam(learningRate).optBetas(0.5f, 0.999f).optEpsilon(1e-7f);
    }

    /**
     * Returns the MNIST-Correlation preset (§5.5): batch 25 per domain, generators' lr 1e-3,
     * discriminators' 5e-5, constant, cycle weight 10, identity weight 1, pool 50, BCE, the MNIST
     * augmentation, and {@code steps} steps. The reference's "100,000 epochs" of 8 steps is nominal
     * (its checkpoint is the latest of an interrupted run); the number of steps is the caller's.
     *
     * @param steps the steps
     * @return the preset
     */
    public static CycleGanConfig mnistCorrelation(long steps) {
        return builder()
                .setTraining(training(steps, 25, adam(1e-3f).build()))
                .optDiscriminatorOptimizer(adam(5e-5f).build())
                .optAugmentation(Augmentation.MNIST)
                .build();
    }

    /**
     * Returns the preset for 28×28 digits of several channels, such as Colored MNIST's, where no
     * reference configuration exists: the MNIST layout and batch 25 per domain with the RGB rows'
     * balanced rate, 2e-4 for generators and discriminators alike, no augmentation. (The
     * MNIST-Correlation rates, 1e-3 against 5e-5, leave the discriminators too slow for a colour:
     * after 1,200 steps the generator paints a high-frequency texture that keeps the cycle and fools
     * them; with these rates one Colored MNIST pair met the colour target and another collapsed,
     * docs/methods/cyclegan.md.)
     *
     * @param steps the steps
     * @return the preset
     */
    public static CycleGanConfig coloredDigits(long steps) {
        return builder()
                .setTraining(training(steps, 25, adam(2e-4f).build()))
                .optDiscriminatorOptimizer(adam(2e-4f).build())
                .build();
    }

    /**
     * Returns the Waterbirds / CelebA preset (§5.5): lr 2e-4 for both, the flip-and-crop
     * augmentation, the given batch size and steps; with {@code linearDecay}, the rate stays
     * constant for the first half and falls linearly to 0 (the {@code linear_decay_0.5} schedule).
     *
     * @param batchSize images per domain and step (Waterbirds 4, CelebA 16)
     * @param steps the steps
     * @param linearDecay whether the rates decay over the second half
     * @return the preset
     */
    public static CycleGanConfig rgb(int batchSize, long steps, boolean linearDecay) {
        LearningRateSchedule schedule =
                linearDecay ? LearningRateSchedule.linearDecay(steps / 2, steps) : LearningRateSchedule.constant();
        return builder()
                .setTraining(training(steps, batchSize, adam(2e-4f).optSchedule(schedule).build()))
                .optDiscriminatorOptimizer(adam(2e-4f).optSchedule(schedule).build())
                .optAugmentation(Augmentation.FLIP_CROP)
                .build();
    }

    /** The shared settings of every preset: evaluated ten times, the last generators kept. */
    private static TrainingConfig training(long steps, int batchSize, OptimizerConfig generators) {
        return TrainingConfig.builder()
                .setIterations(steps)
                .optBatchSize(batchSize)
                .optOptimizer(generators)
                .optEvaluateEvery(Math.max(1, steps / 10))
                .optModelSelection(ModelSelection.LAST)
                .build();
    }

    /**
     * Returns the preset for images of a shape: {@link #mnistCorrelation} for 28×28 grey digits,
     * {@link #coloredDigits} for 28×28 digits of several channels, and {@link #rgb} with batch 4
     * (Waterbirds' setting) for anything larger.
     *
     * @param sampleShape one image's shape, (C, H, W)
     * @param steps the steps
     * @return the preset
     */
    public static CycleGanConfig forImages(Shape sampleShape, long steps) {
        if (sampleShape.dimension() == 3 && sampleShape.get(1) == 28 && sampleShape.get(2) == 28) {
            return sampleShape.get(0) == 1 ? mnistCorrelation(steps) : coloredDigits(steps);
        }
        return rgb(4, steps, false);
    }

    /**
     * Returns the shared settings: steps, images per domain and step, the generators' optimiser,
     * seed, checkpoints (every {@code evaluateEvery} steps), device.
     *
     * @return the training config
     */
    public TrainingConfig training() {
        return training;
    }

    /**
     * Returns the discriminators' optimiser.
     *
     * @return the optimiser settings
     */
    public OptimizerConfig discriminatorOptimizer() {
        return discriminatorOptimizer;
    }

    /**
     * Returns the cycle-consistency weight {@code lambda_cyc}.
     *
     * @return the weight
     */
    public float cycleWeight() {
        return cycleWeight;
    }

    /**
     * Returns the identity weight {@code lambda_id} (the loss uses half of it per domain).
     *
     * @return the weight
     */
    public float identityWeight() {
        return identityWeight;
    }

    /**
     * Returns the replay pool's capacity.
     *
     * @return the capacity
     */
    public int poolSize() {
        return poolSize;
    }

    /**
     * Returns the adversarial loss.
     *
     * @return the loss
     */
    public AdversarialLoss adversarialLoss() {
        return adversarialLoss;
    }

    /**
     * Returns whether only the source domain's cycle ({@code x -> G -> F}) counts.
     *
     * @return true if the target's cycle is left out
     */
    public boolean sourceCycleOnly() {
        return sourceCycleOnly;
    }

    /**
     * Returns the train-time augmentation.
     *
     * @return the augmentation
     */
    public Augmentation augmentation() {
        return augmentation;
    }

    /**
     * Describes every setting as data.
     *
     * @return the settings
     */
    public JsonObject describe() {
        JsonObject json = new JsonObject();
        json.addProperty("method", "cyclegan");
        json.add("training", training.describe());
        json.add("discriminatorOptimizer", discriminatorOptimizer.describe());
        json.addProperty("cycleWeight", cycleWeight);
        json.addProperty("identityWeight", identityWeight);
        json.addProperty("poolSize", poolSize);
        json.addProperty("adversarialLoss", adversarialLoss.name().toLowerCase(Locale.ROOT));
        json.addProperty("sourceCycleOnly", sourceCycleOnly);
        json.addProperty("augmentation", augmentation.name().toLowerCase(Locale.ROOT));
        return json;
    }

    /**
     * Returns a builder holding these settings.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.training = training;
        b.discriminatorOptimizer = discriminatorOptimizer;
        b.cycleWeight = cycleWeight;
        b.identityWeight = identityWeight;
        b.poolSize = poolSize;
        b.adversarialLoss = adversarialLoss;
        b.sourceCycleOnly = sourceCycleOnly;
        b.augmentation = augmentation;
        return b;
    }

    /** Builds a {@link CycleGanConfig}. */
    public static final class Builder {

        private TrainingConfig training;
        private OptimizerConfig discriminatorOptimizer = adam(2e-4f).build();
        private float cycleWeight = 10f;
        private float identityWeight = 1f;
        private int poolSize = 50;
        private AdversarialLoss adversarialLoss = AdversarialLoss.BCE;
        private boolean sourceCycleOnly;
        private Augmentation augmentation = Augmentation.NONE;

        Builder() {}

        /**
         * Sets the shared settings (required); its model selection must be {@code LAST}.
         *
         * @param config the settings
         * @return this builder
         */
        public Builder setTraining(TrainingConfig config) {
            this.training = Objects.requireNonNull(config, "training");
            return this;
        }

        /**
         * Sets the discriminators' optimiser (default Keras' Adam, lr 2e-4, beta1 0.5).
         *
         * @param config the optimiser
         * @return this builder
         */
        public Builder optDiscriminatorOptimizer(OptimizerConfig config) {
            this.discriminatorOptimizer = Objects.requireNonNull(config, "discriminator optimizer");
            return this;
        }

        /**
         * Sets the cycle-consistency weight (default 10).
         *
         * @param weight the weight, {@code >= 0}
         * @return this builder
         */
        public Builder optCycleWeight(float weight) {
            this.cycleWeight = nonNegative(weight, "cycle weight");
            return this;
        }

        /**
         * Sets the identity weight (default 1).
         *
         * @param weight the weight, {@code >= 0}
         * @return this builder
         */
        public Builder optIdentityWeight(float weight) {
            this.identityWeight = nonNegative(weight, "identity weight");
            return this;
        }

        /**
         * Sets the replay pool's capacity (default 50); it must hold at least one batch.
         *
         * @param size the capacity
         * @return this builder
         */
        public Builder optPoolSize(int size) {
            this.poolSize = size;
            return this;
        }

        /**
         * Sets the adversarial loss (default BCE).
         *
         * @param loss the loss
         * @return this builder
         */
        public Builder optAdversarialLoss(AdversarialLoss loss) {
            this.adversarialLoss = Objects.requireNonNull(loss, "adversarial loss");
            return this;
        }

        /**
         * Counts only the source domain's cycle (default false: both).
         *
         * @param value true to leave out the target's cycle
         * @return this builder
         */
        public Builder optSourceCycleOnly(boolean value) {
            this.sourceCycleOnly = value;
            return this;
        }

        /**
         * Sets the train-time augmentation (default none).
         *
         * @param value the augmentation
         * @return this builder
         */
        public Builder optAugmentation(Augmentation value) {
            this.augmentation = Objects.requireNonNull(value, "augmentation");
            return this;
        }

        private static float nonNegative(float value, String what) {
            if (!(value >= 0) || Float.isInfinite(value)) {
                throw new IllegalArgumentException(what + " must be finite and >= 0, got " + value);
            }
            return value;
        }

        /**
         * Builds the config.
         *
         * @return the config
         * @throws IllegalStateException without training settings, with a selection other than
         *     {@code LAST}, or with a pool smaller than the batch
         */
        public CycleGanConfig build() {
            if (training == null) {
                throw new IllegalStateException("a CycleGAN needs training settings (setTraining or a preset)");
            }
            if (training.modelSelection() != ModelSelection.LAST) {
                throw new IllegalStateException("a CycleGAN has no validation metric; its model selection must be LAST");
            }
            if (poolSize < training.batchSize()) {
                throw new IllegalStateException(
                        "the image pool (" + poolSize + ") must hold at least one batch (" + training.batchSize()
                                + "): a batch is drawn from it without replacement");
            }
            return new CycleGanConfig(this);
        }
    }
}
