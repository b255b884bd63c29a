package dev.debias.train;

import ai.djl.nn.Block;

import com.google.gson.JsonObject;

/**
 * Immutable optimiser settings of a training run: the algorithm (Adam or SGD with momentum), the
 * learning rate with an optional step decay, and L2 weight decay.
 *
 * <p>Adam follows PyTorch's {@code torch.optim.Adam} (weight decay added to the gradient, as in
 * DJL's Adam); SGD follows DJL's momentum form {@code v = m v + lr g; w -= v}, equal to PyTorch's
 * for a constant rate. The rate of the 1-based update {@code t} is {@code lr0 *
 * schedule.factor(t - 1)} ({@link LearningRateSchedule}; e.g. PyTorch's {@code StepLR}: {@code
 * lr0 * gamma^floor((t - 1) / stepSize)}).
 */
public final class OptimizerConfig {

    /** The optimisation algorithm. */
    public enum Algorithm {
        /** Adam (Kingma and Ba, 2015). */
        ADAM,
        /** Stochastic gradient descent with (optional) momentum. */
        SGD
    }

    private final Algorithm algorithm;
    private final float learningRate;
    private final float weightDecay;
    private final float momentum;
    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final LearningRateSchedule schedule;
    private final boolean nesterov;
    private final float maxGradientNorm;

    private OptimizerConfig(Builder b) {
        this.algorithm = b.algorithm;
        this.learningRate = b.learningRate;
        this.weightDecay = b.weightDecay;
        this.momentum = b.momentum;
        this.beta1 = b.beta1;
        this.beta2 = b.beta2;
        this.epsilon = b.epsilon;
        this.schedule = b.schedule;
        this.nesterov = b.nesterov;
        this.maxGradientNorm = b.maxGradientNorm;
    }

    /**
     * Returns a builder for Adam with the given learning rate (betas 0.9/0.999, epsilon 1e-8).
     *
     * @param learningRate the learning rate
     * @return the builder
     */
    public static Builder adam(float learningRate) {
        return new Builder(Algorithm.ADAM, learningRate);
    }

    /**
     * Returns a builder for SGD with momentum 0.9 and the given learning rate.
     *
     * @param learningRate the learning rate
     * @return the builder
     */
    public static Builder sgd(float learningRate) {
        return new Builder(Algorithm.SGD, learningRate).optMomentum(0.9f);
    }

    /**
     * Returns the algorithm.
     *
     * @return the algorithm
     */
    public Algorithm algorithm() {
        return algorithm;
    }

    /**
     * Returns the base learning rate.
     *
     * @return the learning rate
     */
    public float learningRate() {
        return learningRate;
    }

    /**
     * Returns the L2 weight decay.
     *
     * @return the weight decay
     */
    public float weightDecay() {
        return weightDecay;
    }

    /**
     * Returns whether SGD uses Nesterov momentum.
     *
     * @return true for Nesterov's momentum
     */
    public boolean nesterov() {
        return nesterov;
    }

    /**
     * Returns the bound on the global norm of the gradients of the parameters this optimiser
     * updates, or 0 for no clipping.
     *
     * @return the bound
     */
    public float maxGradientNorm() {
        return maxGradientNorm;
    }

    /**
     * Returns the learning rate at a 1-based update count, after the step decay.
     *
     * @param update the update count, starting at 1
     * @return the learning rate
     */
    public float learningRateAt(long update) {
        return (float) (learningRate * schedule.factor(update - 1));
    }

    /**
     * Returns the learning-rate schedule.
     *
     * @return the schedule
     */
    public LearningRateSchedule schedule() {
        return schedule;
    }

    /**
     * Describes every setting as data (for run manifests and resume checks).
     *
     * @return the settings
     */
    public JsonObject describe() {
        JsonObject json = new JsonObject();
        json.addProperty("algorithm", algorithm.name().toLowerCase(java.util.Locale.ROOT));
        json.addProperty("learningRate", learningRate);
        json.addProperty("weightDecay", weightDecay);
        if (algorithm == Algorithm.SGD) {
            json.addProperty("momentum", momentum);
            if (nesterov) {
                json.addProperty("nesterov", true);
            }
        } else {
            json.addProperty("beta1", beta1);
            json.addProperty("beta2", beta2);
            json.addProperty("epsilon", epsilon);
        }
        json.add("schedule", schedule.describe());
        if (maxGradientNorm > 0) {
            json.addProperty("maxGradientNorm", maxGradientNorm);
        }
        return json;
    }

    float momentum() {
        return momentum;
    }

    float beta1() {
        return beta1;
    }

    float beta2() {
        return beta2;
    }

    float epsilon() {
        return epsilon;
    }

    /**
     * Creates a fresh optimiser with checkpointable state for one model.
     *
     * @param block the block whose parameters it updates (names its state in checkpoints)
     * @return the optimiser
     */
    public CheckpointableOptimizer newOptimizer(Block block) {
        return new CheckpointableOptimizer(this, block);
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return describe().toString();
    }

    /**
     * Returns a builder holding these settings, to change some of them.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = new Builder(algorithm, learningRate);
        b.weightDecay = weightDecay;
        b.momentum = momentum;
        b.beta1 = beta1;
        b.beta2 = beta2;
        b.epsilon = epsilon;
        b.schedule = schedule;
        b.nesterov = nesterov;
        b.maxGradientNorm = maxGradientNorm;
        return b;
    }

    /** Builds an {@link OptimizerConfig}. */
    public static final class Builder {

        private final Algorithm algorithm;
        private float learningRate;
        private float weightDecay;
        private float momentum;
        private float beta1 = 0.9f;
        private float beta2 = 0.999f;
        private float epsilon = 1e-8f;
        private LearningRateSchedule schedule = LearningRateSchedule.constant();
        private boolean nesterov;
        private float maxGradientNorm;

        Builder(Algorithm algorithm, float learningRate) {
            this.algorithm = algorithm;
            optLearningRate(learningRate);
        }

        /**
         * Sets the base learning rate.
         *
         * @param value a finite rate {@code > 0}
         * @return this builder
         */
        public Builder optLearningRate(float value) {
            if (!(value > 0) || Float.isInfinite(value)) {
                throw new IllegalArgumentException("learning rate must be positive, got " + value);
            }
            this.learningRate = value;
            return this;
        }

        /**
         * Sets Adam's epsilon (default 1e-8; Keras, whose CycleGAN CAMEL uses, has 1e-7).
         *
         * @param value a finite epsilon {@code > 0}
         * @return this builder
         */
        public Builder optEpsilon(float value) {
            if (!(value > 0) || Float.isInfinite(value)) {
                throw new IllegalArgumentException("epsilon must be positive, got " + value);
            }
            this.epsilon = value;
            return this;
        }

        /**
         * Sets the L2 weight decay (default 0).
         *
         * @param decay the weight decay
         * @return this builder
         */
        public Builder optWeightDecay(float decay) {
            if (decay < 0) {
                throw new IllegalArgumentException("weight decay must be >= 0, got " + decay);
            }
            this.weightDecay = decay;
            return this;
        }

        /**
         * Sets the SGD momentum (default 0.9 for {@link #sgd(float)}).
         *
         * @param value the momentum in [0, 1)
         * @return this builder
         */
        public Builder optMomentum(float value) {
            if (value < 0 || value >= 1) {
                throw new IllegalArgumentException("momentum must be in [0, 1), got " + value);
            }
            this.momentum = value;
            return this;
        }

        /**
         * Sets whether SGD uses Nesterov's momentum (default false): with momentum {@code mu},
         * buffer {@code b <- mu b + g} and update {@code w <- w - lr (g + mu b)}, PyTorch's
         * {@code nesterov=True} and, for a constant learning rate, Keras' {@code SGD(nesterov=True)}
         * (CAMEL's stage 2).
         *
         * @param value true for Nesterov's momentum
         * @return this builder
         */
        public Builder optNesterov(boolean value) {
            this.nesterov = value;
            return this;
        }

        /**
         * Clips the gradients of the parameters this optimiser updates by their global norm
         * before every update: all are scaled by {@code max / max(norm, max)} (TensorFlow's {@code
         * clip_by_global_norm}, which CAMEL's ERM and Group DRO runs use with 5). With clipping,
         * the weight decay's gradient {@code wd w} is added to the gradients before the norm is
         * taken, as when the L2 term is part of the loss (the reference). DJL's own {@code
         * optClipGrad} clips element by element instead.
         *
         * @param value the bound {@code > 0}, or 0 for none (default)
         * @return this builder
         */
        public Builder optMaxGradientNorm(float value) {
            if (!(value >= 0) || Float.isInfinite(value)) {
                throw new IllegalArgumentException("the gradient norm bound must be finite and >= 0, got " + value);
            }
            this.maxGradientNorm = value;
            return this;
        }

        /**
         * Sets Adam's moment decay rates (defaults 0.9 and 0.999).
         *
         * @param first beta1
         * @param second beta2
         * @return this builder
         */
        public Builder optBetas(float first, float second) {
            this.beta1 = first;
            this.beta2 = second;
            return this;
        }

        /**
         * Multiplies the learning rate by {@code factor} every {@code stepSize} updates
         * (PyTorch's {@code StepLR}).
         *
         * @param stepSize updates between decays
         * @param factor the decay factor gamma
         * @return this builder
         */
        public Builder optStepDecay(int stepSize, float factor) {
            return optSchedule(LearningRateSchedule.stepDecay(stepSize, factor));
        }

        /**
         * Sets the learning-rate schedule (default constant).
         *
         * @param value the schedule
         * @return this builder
         */
        public Builder optSchedule(LearningRateSchedule value) {
            this.schedule = java.util.Objects.requireNonNull(value, "schedule");
            return this;
        }

        /**
         * Builds the config.
         *
         * @return the config
         */
        public OptimizerConfig build() {
            if (nesterov && (algorithm != Algorithm.SGD || momentum == 0)) {
                throw new IllegalStateException("Nesterov's momentum needs SGD with a momentum > 0");
            }
            return new OptimizerConfig(this);
        }
    }
}
