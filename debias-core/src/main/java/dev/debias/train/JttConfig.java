package dev.debias.train;

/**
 * Settings of Just Train Twice (Liu et al., ICML 2021): the identification run (ERM for {@code T
 * + 1} epochs), how its error set is read, the up-weighting factor {@code lambda_up}, and the
 * final run's settings.
 */
public final class JttConfig {

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
     * Returns a Colored MNIST preset: identification by ERM for 10 epochs (T = 9), error set read
     * during the last pass, the balancing up-weight ({@link Builder#optBalancingUpweight()}), and a
     * final run with the LfF settings (Adam lr 1e-3, batch 256, 23,500 steps, validation every
     * 235 steps) that selects by unbiased validation accuracy. The JTT paper has no Colored MNIST
     * setting and selects its models on validation. T and lambda_up were tuned on the unbiased
     * validation accuracy of a 1 % holdout at 0.5 % and 1 % conflicting (T + 1 in {2, 5, 10},
     * lambda_up in {20, 50, 100, 200, balancing}; docs/methods/jtt.md has the grid): later error
     * sets are smaller and purer (at 0.5 %: 3,946 samples, 6 % conflicting, after 2 epochs; 335,
     * 76 % conflicting, after 10), and the larger the up-weight the better, up to the balancing
     * one.
     *
     * @return the preset
     */
    public static JttConfig coloredMnist() {
        return builder()
                .setIdentification(Presets.coloredMnist().setEpochs(10).build())
                .setTraining(Presets.coloredMnist().optModelSelection(ModelSelection.UNBIASED).build())
                .optBalancingUpweight()
                .build();
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
     * Returns the final run's settings.
     *
     * @return the final settings
     */
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
     * Returns whether {@code lambda_up} is derived from the error set's size after stage 1 (the
     * reference's {@code --up_weight -1}; see {@link
     * dev.debias.sampler.UpweightSampler#balancingUpweight(long, long)}).
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
