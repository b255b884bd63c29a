package dev.debias.train;

import dev.debias.data.GroupedDataset;
import dev.debias.sampler.EpochSampler;
import dev.debias.sampler.GroupStreamSampler;

import com.google.gson.JsonObject;

import dev.debias.data.GroupSpec;
import dev.debias.loss.GroupDroLoss;
import dev.debias.loss.GroupDroOptions;

import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Settings of Group DRO (Sagawa et al., "Distributionally Robust Neural Networks for Group
 * Shifts", ICLR 2020): the shared {@link TrainingConfig}, every option of the loss ({@link
 * GroupDroOptions}: the exponentiated-gradient step size {@code eta} (0.01), the generalization
 * adjustment {@code C} (0, or one per group), loss normalisation, the greedy top-alpha ({@code
 * btl}) variant, CAMEL's class-conditional variant, the EMA rate, minVarWeight and the base
 * loss), and group-balanced sampling (on by default: the paper's commands pair {@code --robust}
 * with {@code --reweight_groups}).
 */
public final class GroupDroConfig implements MethodConfig {

    private final TrainingConfig training;
    private final GroupDroOptions loss;
    private final boolean groupBalanced;
    private final int baselineBatchSize;

    private GroupDroConfig(Builder b) {
        this.training = b.training;
        this.loss = b.loss;
        this.groupBalanced = b.groupBalanced;
        this.baselineBatchSize = b.baselineBatchSize;
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
     * Returns the Colored MNIST preset: the LfF training settings (Adam lr 1e-3, batch 256,
     * 23,500 steps, validation every 235 steps), eta = 0.01, no adjustment, group-balanced
     * sampling, and the model selected by unbiased validation accuracy. Group DRO relies on early
     * stopping (Sagawa et al. select on validation): group-balanced batches over Colored MNIST's
     * 100 groups repeat the few conflicting images until the model memorises them, and the final
     * model is 7-19 points worse than the selected one at 0.5-2 % conflicting. Unbiased rather than
     * worst-group accuracy, because a small validation split has too few images per cell to rank
     * models by its worst cell.
     *
     * @return the preset
     */
    public static GroupDroConfig coloredMnist() {
        return builder()
                .setTraining(Presets.coloredMnist().optModelSelection(ModelSelection.UNBIASED).build())
                .build();
    }

    /**
     * Returns CAMEL's Group DRO baseline on MNIST-Correlation (Goel et al., ICLR 2021; §6.6): SGD
     * with Nesterov momentum, lr 5e-4, L2 5e-4, gradients clipped to a global norm of 5, batch 100
     * drawn as 25 from each group's own stream ({@link #baselineBatchSize()} 100: 200 steps per
     * epoch), eta 0.01, C = 1, not class-conditional, 200 epochs. Train it on {@code
     * CamelMnistCnn}.
     *
     * @return the preset
     */
    public static GroupDroConfig mnistCorrelation() {
        return builder()
                .setTraining(Presets.mnistCorrelation(5e-4f, 5e-4f, 5f).build())
                .optGeneralizationAdjustment(1.0)
                .optGroupStreams(100)
                .build();
    }

    /**
     * Returns the batch size that sets the steps per epoch of group-stream sampling ({@code
     * training size / baselineBatchSize}), or 0 when batches are not drawn from group streams.
     *
     * @return the baseline batch size, or 0
     */
    public int baselineBatchSize() {
        return baselineBatchSize;
    }

    /**
     * Returns the sampler of a training set: group streams, group-balanced or shuffled.
     *
     * @param train the training set
     * @return the sampler
     */
    public EpochSampler sampler(GroupedDataset train) {
        if (baselineBatchSize > 0) {
            return GroupStreamSampler.ofBaseline(train, training.batchSize(), baselineBatchSize, training.seed());
        }
        return DebiasTrainer.defaultSampler(train, training, groupBalanced);
    }

    /**
     * Builds a fresh loss object with these settings for a training set's groups.
     *
     * @param spec the groups, with training counts
     * @return the loss
     */
    public GroupDroLoss newLoss(GroupSpec spec) {
        return GroupDroLoss.builder(spec).optOptions(loss).build();
    }

    /** {@inheritDoc} */
    @Override
    public TrainingConfig training() {
        return training;
    }

    /**
     * Returns the options of the loss.
     *
     * @return the loss options
     */
    public GroupDroOptions loss() {
        return loss;
    }

    /**
     * Returns whether batches are drawn group-balanced.
     *
     * @return true for group-balanced sampling
     */
    public boolean groupBalanced() {
        return groupBalanced;
    }

    /**
     * Returns the step size eta.
     *
     * @return eta
     */
    public double stepSize() {
        return loss.stepSize();
    }

    /** {@inheritDoc} */
    @Override
    public JsonObject describe() {
        JsonObject json = new JsonObject();
        json.addProperty("method", "gdro");
        json.add("training", training.describe());
        json.add("loss", loss.describe());
        json.addProperty("groupBalanced", groupBalanced);
        if (baselineBatchSize > 0) {
            json.addProperty("groupStreamsBaselineBatchSize", baselineBatchSize);
        }
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
        b.loss = loss;
        b.groupBalanced = groupBalanced;
        b.baselineBatchSize = baselineBatchSize;
        return b;
    }

    /** Builds a {@link GroupDroConfig}. */
    public static final class Builder {

        private TrainingConfig training = TrainingConfig.builder().build();
        private GroupDroOptions loss = GroupDroOptions.builder().build();
        private boolean groupBalanced = true;
        private int baselineBatchSize;

        Builder() {}

        /**
         * Sets the shared training settings.
         *
         * @param config the settings
         * @return this builder
         */
        public Builder setTraining(TrainingConfig config) {
            this.training = Objects.requireNonNull(config, "training");
            return this;
        }

        /**
         * Sets every option of the loss.
         *
         * @param options the loss options
         * @return this builder
         */
        public Builder optLoss(GroupDroOptions options) {
            this.loss = Objects.requireNonNull(options, "loss");
            return this;
        }

        private Builder change(UnaryOperator<GroupDroOptions.Builder> edit) {
            this.loss = edit.apply(GroupDroOptions.builder().optOptions(loss)).build();
            return this;
        }

        /**
         * Sets the step size eta of the group weights (default 0.01).
         *
         * @param eta the step size, positive
         * @return this builder
         */
        public Builder optStepSize(double eta) {
            if (!(eta > 0)) {
                throw new IllegalArgumentException("Group DRO step size must be positive, got " + eta);
            }
            return change(b -> b.optStepSize(eta));
        }

        /**
         * Sets the generalization adjustment C, added as C / sqrt(n_g) (default 0).
         *
         * @param c the adjustment, non-negative
         * @return this builder
         */
        public Builder optGeneralizationAdjustment(double c) {
            return change(b -> b.optGeneralizationAdjustment(c));
        }

        /**
         * Normalises the group losses before the weight update (default false).
         *
         * @param value true to normalise
         * @return this builder
         */
        public Builder optNormalizeLoss(boolean value) {
            return change(b -> b.optNormalizeLoss(value));
        }

        /**
         * Uses the greedy top-alpha variant with the given alpha (default off).
         *
         * @param value true for btl
         * @param fraction alpha in (0, 1]
         * @return this builder
         */
        public Builder optBtl(boolean value, double fraction) {
            return change(b -> b.optBtl(value).optAlpha(fraction));
        }

        /**
         * Uses one weight distribution per class (CAMEL's class-conditional Group DRO).
         *
         * @param value true for the class-conditional variant
         * @return this builder
         */
        public Builder optClassConditional(boolean value) {
            return change(b -> b.optClassConditional(value));
        }

        /**
         * Draws batches group-balanced (default true).
         *
         * @param value true for group-balanced sampling
         * @return this builder
         */
        public Builder optGroupBalanced(boolean value) {
            this.groupBalanced = value;
            return this;
        }

        /**
         * Draws every batch as an equal share from each group's own endless stream (CAMEL's
         * loader, {@link GroupStreamSampler}), with {@code training size / baselineBatchSize}
         * steps per epoch; replaces group-balanced sampling.
         *
         * @param baselineBatchSize the batch size that sets the epoch length, positive; 0 to
         *     switch group streams off (default)
         * @return this builder
         */
        public Builder optGroupStreams(int baselineBatchSize) {
            if (baselineBatchSize < 0) {
                throw new IllegalArgumentException("baseline batch size must be >= 0, got " + baselineBatchSize);
            }
            this.baselineBatchSize = baselineBatchSize;
            return this;
        }

        /**
         * Builds the config.
         *
         * @return the config
         */
        public GroupDroConfig build() {
            return new GroupDroConfig(this);
        }
    }
}
