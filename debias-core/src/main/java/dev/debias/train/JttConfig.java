package dev.debias.train;

import com.google.gson.JsonObject;

import dev.debias.sampler.UpweightSampler;

/**
 * Settings of Just Train Twice (Liu et al., ICML 2021): the identification run (ERM for {@code T
 * + 1} epochs), how its error set is read, the up-weighting factor {@code lambda_up}, and the
 * final run's settings.
 */
public final class JttConfig implements MethodConfig {

    /** How the error set of the identification model is recorded. */
    public enum ErrorSet {
        /**
         * As in the reference code: the training-mode predictions of pass {@code T}, each taken
         * before that minibatch's update.
         */
        DURING_LAST_PASS,
        /**
         * A separate inference-mode pass of the model after {@code T} completed epochs (the
         * identification run then trains {@code T} epochs, not {@code T + 1}).
         */
        AFTER_TRAINING
    }

    private final TrainingConfig identification;
    private final TrainingConfig training;
    private final int upweight;
    private final boolean balancingUpweight;
    private final ErrorSet errorSet;

    private JttConfig(Builder b) {
        this.identification = b.identification;
        this.training = b.training;
        this.upweight = b.upweight;
        this.balancingUpweight = b.balancingUpweight;
        this.errorSet = b.errorSet;
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
     * Returns the Colored MNIST preset for a training set with the given share of bias-conflicting
     * samples: the error set read during the last pass of the identification run, and a final run
     * with the LfF settings (Adam lr 1e-3, batch 256, 23,500 steps, validation every 235 steps)
     * that selects by unbiased validation accuracy, as the JTT paper selects on validation. The
     * paper has no Colored MNIST setting and tunes T and lambda_up per dataset; tuned here on the
     * unbiased validation accuracy of a 1 % holdout at each ratio (docs/methods/jtt.md has the
     * grid), the best settings fall into two regimes:
     *
     * <ul>
     *   <li>below 1.5 % conflicting: identification for 10 epochs (T = 9) and the balancing
     *       up-weight ({@link Builder#optBalancingUpweight()}). With a few hundred conflicting
     *       images, a late, small and pure error set, copied until it weighs as much as the rest,
     *       is what makes the model drop the colour;
     *   <li>from 1.5 %: identification for 2 epochs (T = 1) and {@code lambda_up = 50}. With
     *       thousands of conflicting images ERM learns many of them within a few epochs, so a
     *       late error set misses them.
     * </ul>
     *
     * @param conflictPercent the percentage of bias-conflicting training samples, in (0, 100)
     * @return the preset
     * @throws IllegalArgumentException if the percentage is outside (0, 100)
     */
    public static JttConfig coloredMnist(double conflictPercent) {
        if (!(conflictPercent > 0 && conflictPercent < 100)) {
            throw new IllegalArgumentException(
                    "conflicting percentage " + conflictPercent + " outside (0, 100)");
        }
        boolean few = conflictPercent < 1.5;
        Builder b =
                builder()
                        .setIdentification(Presets.coloredMnist().setEpochs(few ? 10 : 2).build())
                        .setTraining(
                                Presets.coloredMnist().optModelSelection(ModelSelection.UNBIASED).build());
        return few ? b.optBalancingUpweight().build() : b.optUpweight(50).build();
    }

    /**
     * Returns the identification run's settings; its length must be given in epochs.
     *
     * @return the identification settings
     */
    public TrainingConfig identification() {
        return identification;
    }

    /**
     * Returns the final run's settings (stage 2), which also hold the run's checkpoint directory,
     * resume flag and device.
     *
     * @return the final settings
     */
    @Override
    public TrainingConfig training() {
        return training;
    }

    /**
     * Returns {@code lambda_up}: the number of extra copies of each error-set sample; not used
     * when {@link #isBalancingUpweight()}.
     *
     * @return the factor
     */
    public int upweight() {
        return upweight;
    }

    /**
     * Returns the {@code lambda_up} to use with an error set found in stage 1: the configured
     * factor, or the balancing up-weight (0 for an empty error set, which makes stage 2 plain ERM).
     *
     * @param datasetSize the number of training samples {@code N}
     * @param errorSetSize the size of the error set, in {@code [0, N]}
     * @return the number of extra copies of each error-set sample
     */
    public int upweightFor(long datasetSize, long errorSetSize) {
        if (!balancingUpweight) {
            return upweight;
        }
        return errorSetSize == 0 ? 0 : UpweightSampler.balancingUpweight(datasetSize, errorSetSize);
    }

    /**
     * Returns a builder holding these settings, to adjust some of them.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.identification = identification;
        b.training = training;
        b.upweight = upweight;
        b.balancingUpweight = balancingUpweight;
        b.errorSet = errorSet;
        return b;
    }

    /**
     * Returns whether {@code lambda_up} is derived from the error set's size after stage 1 (the
     * reference's {@code --up_weight -1}; see {@link UpweightSampler#balancingUpweight(long,
     * long)}).
     *
     * @return true for the balancing up-weight
     */
    public boolean isBalancingUpweight() {
        return balancingUpweight;
    }

    /**
     * Returns how the error set is recorded.
     *
     * @return the rule
     */
    public ErrorSet errorSet() {
        return errorSet;
    }

    /** {@inheritDoc} */
    @Override
    public JsonObject describe() {
        JsonObject json = new JsonObject();
        json.addProperty("method", "jtt");
        json.add("training", training.describe());
        json.add("identification", identification.describe());
        json.addProperty("upweight", balancingUpweight ? "balancing" : Integer.toString(upweight));
        json.addProperty("errorSet", errorSet.name());
        return json;
    }

    /** Builds a {@link JttConfig}. */
    public static final class Builder {

        private TrainingConfig identification = TrainingConfig.builder().setEpochs(1).build();
        private TrainingConfig training = TrainingConfig.builder().build();
        private int upweight = 20;
        private boolean balancingUpweight;
        private ErrorSet errorSet = ErrorSet.DURING_LAST_PASS;

        Builder() {}

        /**
         * Sets the identification run (its length in epochs: T + 1).
         *
         * @param config the settings
         * @return this builder
         */
        public Builder setIdentification(TrainingConfig config) {
            if (config.epochs() < 1) {
                throw new IllegalArgumentException("the JTT identification run is given in epochs (T + 1)");
            }
            this.identification = config;
            return this;
        }

        /**
         * Sets the final run.
         *
         * @param config the settings
         * @return this builder
         */
        public Builder setTraining(TrainingConfig config) {
            this.training = java.util.Objects.requireNonNull(config, "training");
            return this;
        }

        /**
         * Sets {@code lambda_up} (default 20, the smallest of the paper's grid).
         *
         * @param factor extra copies per error sample, at least 1
         * @return this builder
         */
        public Builder optUpweight(int factor) {
            if (factor < 1) {
                throw new IllegalArgumentException("lambda_up must be >= 1, got " + factor);
            }
            this.upweight = factor;
            this.balancingUpweight = false;
            return this;
        }

        /**
         * Derives {@code lambda_up} from the error set {@code E} found in stage 1 instead of fixing
         * it: {@code floor((N - |E|) / |E|) - 1}, so that the copies of {@code E} weigh about as
         * much as the rest of the training set (the reference's {@code --up_weight -1}). Replaced
         * by a later {@link #optUpweight(int)}.
         *
         * @return this builder
         */
        public Builder optBalancingUpweight() {
            this.balancingUpweight = true;
            return this;
        }

        /**
         * Sets how the error set is recorded (default as in the reference code).
         *
         * @param rule the rule
         * @return this builder
         */
        public Builder optErrorSet(ErrorSet rule) {
            this.errorSet = java.util.Objects.requireNonNull(rule, "errorSet");
            return this;
        }

        /**
         * Builds the config.
         *
         * @return the config
         */
        public JttConfig build() {
            return new JttConfig(this);
        }
    }
}
