package dev.debias.train;

import com.google.gson.JsonObject;

/**
 * Settings of empirical risk minimisation: the shared {@link TrainingConfig} and whether batches
 * are drawn group-balanced (with replacement, weights {@code N / n_g}; "reweighted ERM" of Sagawa
 * et al., ICLR 2020) instead of by uniform shuffling.
 */
public final class ErmConfig implements MethodConfig {

    private final TrainingConfig training;
    private final boolean groupBalanced;

    private ErmConfig(Builder b) {
        this.training = b.training;
        this.groupBalanced = b.groupBalanced;
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
     * Returns the preset of the Colored-MNIST papers (LfF): Adam lr 1e-3, batch 256, 23,500
     * steps, validation every 235 steps, the final model reported.
     *
     * @return the preset
     */
    public static ErmConfig coloredMnist() {
        return builder().setTraining(Presets.coloredMnist().build()).build();
    }

    /**
     * Returns DisEnt's "vanilla" Colored MNIST baseline (Lee et al., NeurIPS 2021): Adam lr 0.01
     * without decay, batch 256, 50,000 steps, validation every 500 steps, the model selected by
     * unbiased validation accuracy (the final one is reported too). Train it on DisEnt's MLP
     * {@code 2352 -> 100 -> 100 -> 16 -> 10} ({@code ColoredMnistMlp.disent()}), not LfF's.
     *
     * @return the preset
     */
    public static ErmConfig disentVanilla() {
        return builder()
                .setTraining(
                        TrainingConfig.builder()
                                .optOptimizer(OptimizerConfig.adam(0.01f).build())
                                .optBatchSize(256)
                                .setIterations(50_000)
                                .optEvaluateEvery(500)
                                .optModelSelection(ModelSelection.UNBIASED)
                                .build())
                .build();
    }

    /**
     * Returns the ERM baseline of CAMEL on MNIST-Correlation (Goel et al., ICLR 2021; §6.6): SGD
     * with Nesterov momentum, lr 1e-4, L2 0.05, gradients clipped to a global norm of 5, batch 100
     * shuffled, 200 epochs. Train it on {@code CamelMnistCnn}.
     *
     * @return the preset
     */
    public static ErmConfig mnistCorrelation() {
        return builder().setTraining(Presets.mnistCorrelation(1e-4f, 0.05f, 5f).build()).build();
    }

    /** {@inheritDoc} */
    @Override
    public TrainingConfig training() {
        return training;
    }

    /**
     * Returns whether batches are drawn group-balanced.
     *
     * @return true for group-balanced sampling
     */
    public boolean groupBalanced() {
        return groupBalanced;
    }

    /** {@inheritDoc} */
    @Override
    public JsonObject describe() {
        JsonObject json = new JsonObject();
        json.addProperty("method", "erm");
        json.add("training", training.describe());
        json.addProperty("groupBalanced", groupBalanced);
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
        b.groupBalanced = groupBalanced;
        return b;
    }

    /** Builds an {@link ErmConfig}. */
    public static final class Builder {

        private TrainingConfig training = TrainingConfig.builder().build();
        private boolean groupBalanced;

        Builder() {}

        /**
         * Sets the shared training settings.
         *
         * @param config the settings
         * @return this builder
         */
        public Builder setTraining(TrainingConfig config) {
            this.training = java.util.Objects.requireNonNull(config, "training");
            return this;
        }

        /**
         * Draws batches group-balanced (default false).
         *
         * @param value true for group-balanced sampling
         * @return this builder
         */
        public Builder optGroupBalanced(boolean value) {
            this.groupBalanced = value;
            return this;
        }

        /**
         * Builds the config.
         *
         * @return the config
         */
        public ErmConfig build() {
            return new ErmConfig(this);
        }
    }
}
