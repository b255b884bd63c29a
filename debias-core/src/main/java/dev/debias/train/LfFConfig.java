package dev.debias.train;

import com.google.gson.JsonObject;

import dev.debias.loss.GeneralizedCrossEntropyLoss;

/**
 * Settings of Learning from Failure (Nam et al., NeurIPS 2020): the shared {@link
 * TrainingConfig} (both models use the same optimiser settings), the GCE exponent {@code q}
 * (0.7) and form (as coded in LfF by default), and the per-sample loss EMA factor {@code alpha}
 * (0.7).
 */
public final class LfFConfig implements MethodConfig {

    private final TrainingConfig training;
    private final float q;
    private final GeneralizedCrossEntropyLoss.Form gceForm;
    private final float emaAlpha;

    private LfFConfig(Builder b) {
        this.training = b.training;
        this.q = b.q;
        this.gceForm = b.gceForm;
        this.emaAlpha = b.emaAlpha;
    }

    /**
     * Returns a builder with the paper's defaults.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the Colored MNIST preset of LfF: Adam lr 1e-3, batch 256, 23,500 steps, q = 0.7,
     * alpha = 0.7, the final model reported.
     *
     * @return the preset
     */
    public static LfFConfig coloredMnist() {
        return builder().setTraining(Presets.coloredMnist().build()).build();
    }

    /** {@inheritDoc} */
    @Override
    public TrainingConfig training() {
        return training;
    }

    /**
     * Returns the GCE exponent.
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
        json.addProperty("method", "lff");
        json.add("training", training.describe());
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
        b.q = q;
        b.gceForm = gceForm;
        b.emaAlpha = emaAlpha;
        return b;
    }

    /** Builds an {@link LfFConfig}. */
    public static final class Builder {

        private TrainingConfig training = TrainingConfig.builder().build();
        private float q = GeneralizedCrossEntropyLoss.DEFAULT_Q;
        private GeneralizedCrossEntropyLoss.Form gceForm = GeneralizedCrossEntropyLoss.Form.LFF;
        private float emaAlpha = 0.7f;

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
         * Sets the GCE exponent (default 0.7).
         *
         * @param value q in (0, 1]
         * @return this builder
         */
        public Builder optQ(float value) {
            if (!(value > 0 && value <= 1)) {
                throw new IllegalArgumentException("GCE q must be in (0, 1], got " + value);
            }
            this.q = value;
            return this;
        }

        /**
         * Sets the GCE form (default as coded in LfF).
         *
         * @param form the form
         * @return this builder
         */
        public Builder optGceForm(GeneralizedCrossEntropyLoss.Form form) {
            this.gceForm = java.util.Objects.requireNonNull(form, "form");
            return this;
        }

        /**
         * Sets the EMA factor of the per-sample losses (default 0.7).
         *
         * @param alpha the factor in [0, 1)
         * @return this builder
         */
        public Builder optEmaAlpha(float alpha) {
            if (!(alpha >= 0 && alpha < 1)) {
                throw new IllegalArgumentException("EMA alpha must be in [0, 1), got " + alpha);
            }
            this.emaAlpha = alpha;
            return this;
        }

        /**
         * Builds the config.
         *
         * @return the config
         */
        public LfFConfig build() {
            return new LfFConfig(this);
        }
    }
}
