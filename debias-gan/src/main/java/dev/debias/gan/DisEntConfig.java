package dev.debias.gan;

import com.google.gson.JsonObject;

import dev.debias.loss.GeneralizedCrossEntropyLoss;
import dev.debias.train.LearningRateSchedule;
import dev.debias.train.ModelSelection;
import dev.debias.train.OptimizerConfig;
import dev.debias.train.MethodConfig;
import dev.debias.train.TrainingConfig;

import java.util.Objects;

/**
 * Settings of DisEnt (Lee et al., "Learning Debiased Representation via Disentangled Feature
 * Augmentation", NeurIPS 2021; ALGORITHMS.md §9): the shared {@link TrainingConfig} (two Adam
 * optimisers with its settings, one per encoder and classifier pair), the loss weights {@code
 * lambda_dis}, {@code lambda_swap_b} and {@code lambda_swap}, the step {@code curr_step} after
 * which features are swapped, the learning-rate decay that starts at {@code curr_step}, and the
 * GCE exponent and EMA factor shared with LfF.
 */
public final class DisEntConfig implements MethodConfig {

    private final TrainingConfig training;
    private final float lambdaDis;
    private final float lambdaSwapBias;
    private final float lambdaSwap;
    private final long swapStart;
    private final float q;
    private final GeneralizedCrossEntropyLoss.Form gceForm;
    private final float emaAlpha;

    private DisEntConfig(Builder b) {
        this.training = b.training;
        this.lambdaDis = b.lambdaDis;
        this.lambdaSwapBias = b.lambdaSwapBias;
        this.lambdaSwap = b.lambdaSwap;
        this.swapStart = b.swapStart;
        this.q = b.q;
        this.gceForm = b.gceForm;
        this.emaAlpha = b.emaAlpha;
    }

    /**
     * Returns a builder with the reference's defaults except the training settings.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the shared settings of the official scripts: Adam with weight decay 0, batch
     * {@code batchSize}, 50,000 steps, validation every 500 steps, and {@code StepLR(10,000,
     * gamma)} stepped only from {@code curr_step = 10,000} on (first decay at step 20,000).
     *
     * @param learningRate the learning rate
     * @param gamma the decay factor
     * @param batchSize the batch size
     * @return the builder of the training settings
     */
    public static TrainingConfig.Builder officialTraining(float learningRate, float gamma, int batchSize) {
        return TrainingConfig.builder()
                .optOptimizer(
                        OptimizerConfig.adam(learningRate)
                                .optSchedule(LearningRateSchedule.stepDecay(10_000, gamma).startingAt(10_000))
                                .build())
                .optBatchSize(batchSize)
                .setIterations(50_000)
                .optEvaluateEvery(500)
                .optModelSelection(ModelSelection.UNBIASED);
    }

    /**
     * Returns the Colored MNIST preset (all ratios): lr 0.01, lambda_dis = lambda_swap_b = 10,
     * lambda_swap = 1, curr_step 10,000, decay 0.5 every 10,000 steps from there, batch 256,
     * 50,000 steps. The reported model is the one selected by unbiased validation accuracy; the
     * final one is reported too.
     *
     * @return the preset
     */
    public static DisEntConfig coloredMnist() {
        return builder()
                .setTraining(officialTraining(0.01f, 0.5f, 256).build())
                .optLambdas(10, 10, 1)
                .build();
    }

    /**
     * Returns the Corrupted CIFAR-10 preset of the official scripts for a conflicting percentage
     * (0.5, 1, 2 or 5): lr 0.0005 / 0.001 / 0.001 / 0.001, lambda_dis = lambda_swap_b = 1 / 5 / 5 /
     * 1, lambda_swap = 1, decay 0.5.
     *
     * @param conflictPercent one of 0.5, 1, 2, 5
     * @return the preset
     * @throws IllegalArgumentException for another percentage
     */
    public static DisEntConfig corruptedCifar10(double conflictPercent) {
        float lr;
        float lambda;
        if (conflictPercent == 0.5) {
            lr = 0.0005f;
            lambda = 1;
        } else if (conflictPercent == 1 || conflictPercent == 2) {
            lr = 0.001f;
            lambda = 5;
        } else if (conflictPercent == 5) {
            lr = 0.001f;
            lambda = 1;
        } else {
            throw new IllegalArgumentException(
                    "DisEnt's Corrupted CIFAR-10 presets exist for 0.5, 1, 2 and 5 % conflicting, not " + conflictPercent);
        }
        return builder().setTraining(officialTraining(lr, 0.5f, 256).build()).optLambdas(lambda, lambda, 1).build();
    }

    /**
     * Returns the BFFHQ preset (0.5 % conflicting): lr 0.0001, lambda_dis = lambda_swap_b = 2,
     * lambda_swap = 0.1, decay 0.1 (the code's default), batch 64.
     *
     * @return the preset
     */
    public static DisEntConfig bffhq() {
        return builder().setTraining(officialTraining(0.0001f, 0.1f, 64).build()).optLambdas(2, 2, 0.1f).build();
    }

    /** {@inheritDoc} */
    @Override
    public TrainingConfig training() {
        return training;
    }

    /**
     * Returns {@code lambda_dis}, the weight of the bias branch's GCE loss.
     *
     * @return lambda_dis
     */
    public float lambdaDis() {
        return lambdaDis;
    }

    /**
     * Returns {@code lambda_swap_b}, the weight of the swapped bias branch's GCE loss.
     *
     * @return lambda_swap_b
     */
    public float lambdaSwapBias() {
        return lambdaSwapBias;
    }

    /**
     * Returns {@code lambda_swap}, the weight of the swapped losses.
     *
     * @return lambda_swap
     */
    public float lambdaSwap() {
        return lambdaSwap;
    }

    /**
     * Returns {@code curr_step}: features are swapped at steps strictly greater than it.
     *
     * @return the step after which the swap starts
     */
    public long swapStart() {
        return swapStart;
    }

    /**
     * Returns the GCE exponent q.
     *
     * @return q
     */
    public float q() {
        return q;
    }

    /**
     * Returns the GCE form.
     *
     * @return the form
     */
    public GeneralizedCrossEntropyLoss.Form gceForm() {
        return gceForm;
    }

    /**
     * Returns the EMA factor of the per-sample losses.
     *
     * @return alpha
     */
    public float emaAlpha() {
        return emaAlpha;
    }

    /** {@inheritDoc} */
    @Override
    public JsonObject describe() {
        JsonObject json = new JsonObject();
        json.addProperty("method", "disent");
        json.add("training", training.describe());
        json.addProperty("lambdaDis", lambdaDis);
        json.addProperty("lambdaSwapBias", lambdaSwapBias);
        json.addProperty("lambdaSwap", lambdaSwap);
        json.addProperty("swapStart", swapStart);
        json.addProperty("q", q);
        json.addProperty("gceForm", gceForm.name());
        json.addProperty("emaAlpha", emaAlpha);
        return json;
    }

    /**
     * Returns a builder holding these settings, to change some of them.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.training = training;
        b.lambdaDis = lambdaDis;
        b.lambdaSwapBias = lambdaSwapBias;
        b.lambdaSwap = lambdaSwap;
        b.swapStart = swapStart;
        b.q = q;
        b.gceForm = gceForm;
        b.emaAlpha = emaAlpha;
        return b;
    }

    /** Builds a {@link DisEntConfig}. */
    public static final class Builder {

        private TrainingConfig training = officialTraining(0.01f, 0.5f, 256).build();
        private float lambdaDis = 10;
        private float lambdaSwapBias = 10;
        private float lambdaSwap = 1;
        private long swapStart = 10_000;
        private float q = GeneralizedCrossEntropyLoss.DEFAULT_Q;
        private GeneralizedCrossEntropyLoss.Form gceForm = GeneralizedCrossEntropyLoss.Form.LFF;
        private float emaAlpha = 0.7f;

        Builder() {}

        /**
         * Sets the shared training settings (both optimisers use its optimiser settings and
         * schedule).
         *
         * @param config the settings
         * @return this builder
         */
        public Builder setTraining(TrainingConfig config) {
            this.training = Objects.requireNonNull(config, "training");
            return this;
        }

        /**
         * Sets the loss weights.
         *
         * @param dis lambda_dis, the bias branch's GCE weight (default 10)
         * @param swapBias lambda_swap_b, the swapped bias branch's GCE weight (default 10)
         * @param swap lambda_swap, the weight of the swapped losses (default 1)
         * @return this builder
         */
        public Builder optLambdas(float dis, float swapBias, float swap) {
            check(dis, "lambda_dis");
            check(swapBias, "lambda_swap_b");
            check(swap, "lambda_swap");
            this.lambdaDis = dis;
            this.lambdaSwapBias = swapBias;
            this.lambdaSwap = swap;
            return this;
        }

        private static void check(float value, String name) {
            if (!(value >= 0) || Float.isInfinite(value)) {
                throw new IllegalArgumentException(name + " must be finite and >= 0, got " + value);
            }
        }

        /**
         * Sets {@code curr_step}: the feature swap runs at steps strictly greater (default 10,000).
         * Set the learning-rate schedule's offset to the same step in the training settings.
         *
         * @param step the step, {@code >= 0}
         * @return this builder
         */
        public Builder optSwapStart(long step) {
            if (step < 0) {
                throw new IllegalArgumentException("curr_step must be >= 0, got " + step);
            }
            this.swapStart = step;
            return this;
        }

        /**
         * Sets the GCE exponent (default 0.7; the reference ignores its {@code --q} flag).
         *
         * @param value q in (0, 1]
         * @return this builder
         */
        public Builder optQ(float value) {
            if (!(value > 0 && value <= 1)) {
                throw new IllegalArgumentException("q must be in (0, 1], got " + value);
            }
            this.q = value;
            return this;
        }

        /**
         * Sets the GCE form (default the implemented form of the reference, {@code LFF}).
         *
         * @param form the form
         * @return this builder
         */
        public Builder optGceForm(GeneralizedCrossEntropyLoss.Form form) {
            this.gceForm = Objects.requireNonNull(form, "form");
            return this;
        }

        /**
         * Sets the EMA factor of the per-sample losses (default 0.7).
         *
         * @param alpha in [0, 1)
         * @return this builder
         */
        public Builder optEmaAlpha(float alpha) {
            if (!(alpha >= 0 && alpha < 1)) {
                throw new IllegalArgumentException("the EMA factor must be in [0, 1), got " + alpha);
            }
            this.emaAlpha = alpha;
            return this;
        }

        /**
         * Builds the config.
         *
         * @return the config
         */
        public DisEntConfig build() {
            return new DisEntConfig(this);
        }
    }
}
