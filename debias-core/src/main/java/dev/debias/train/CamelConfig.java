package dev.debias.train;

import com.google.gson.JsonObject;

import dev.debias.loss.GroupDroOptions;
import dev.debias.loss.SubgroupConsistencyLoss;

import java.util.Locale;
import java.util.Objects;

/**
 * Settings of CAMEL's stage 2 (Goel et al., "Model Patching: Closing the Subgroup Performance Gap
 * with Data Augmentation", ICLR 2021; ALGORITHMS.md §6): the shared {@link TrainingConfig} (SGD
 * with Nesterov momentum, the L2 rate as weight decay, optional global-norm clipping), the Group DRO
 * options of the originals' term (class-conditional, {@code C}, {@code eta}), the consistency
 * variant and its weight {@code lambda_c}, the {@code baseline_batch_size} that sets an epoch's
 * steps, and the chunk size of the one-time translation of the training set.
 */
public final class CamelConfig implements MethodConfig {

    private final TrainingConfig training;
    private final GroupDroOptions groupDro;
    private final SubgroupConsistencyLoss.Type consistency;
    private final float consistencyWeight;
    private final int baselineBatchSize;
    private final int translationBatchSize;

    private CamelConfig(Builder b) {
        this.training = b.training;
        this.groupDro = b.groupDro;
        this.consistency = b.consistency;
        this.consistencyWeight = b.consistencyWeight;
        this.baselineBatchSize = b.baselineBatchSize;
        this.translationBatchSize = b.translationBatchSize;
    }

    /**
     * Returns a builder with the MNIST-Correlation values where a setting has a default.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the MNIST-Correlation preset (§6.6): SGD with Nesterov momentum, lr 1e-3, L2 5e-4,
     * no clipping, batch 100 (25 per group, times three views), 200 epochs of 200 steps
     * ({@code baseline_batch_size} 100), class-conditional Group DRO with {@code C = 1} and {@code
     * eta = 0.01}, the CAMEL consistency with {@code lambda_c = 5}, translations in chunks of 128,
     * the best worst-group validation epoch selected and the final one reported too.
     *
     * @return the preset
     */
    public static CamelConfig mnistCorrelation() {
        return builder().setTraining(Presets.mnistCorrelation(1e-3f, 5e-4f, 0f).build()).build();
    }

    /** {@inheritDoc} */
    @Override
    public TrainingConfig training() {
        return training;
    }

    /**
     * Returns the options of the Group DRO term on the originals.
     *
     * @return the options
     */
    public GroupDroOptions groupDro() {
        return groupDro;
    }

    /**
     * Returns the consistency variant.
     *
     * @return the variant
     */
    public SubgroupConsistencyLoss.Type consistency() {
        return consistency;
    }

    /**
     * Returns {@code lambda_c}, the weight of the consistency term (summed over the groups).
     *
     * @return the weight
     */
    public float consistencyWeight() {
        return consistencyWeight;
    }

    /**
     * Returns the batch size whose division of the training size gives the steps per epoch.
     *
     * @return the baseline batch size
     */
    public int baselineBatchSize() {
        return baselineBatchSize;
    }

    /**
     * Returns how many images of a group the translator receives at a time.
     *
     * @return the chunk size
     */
    public int translationBatchSize() {
        return translationBatchSize;
    }

    /**
     * Returns the consistency loss object of these settings.
     *
     * @return the loss, weighted by {@code lambda_c}
     */
    public SubgroupConsistencyLoss newConsistencyLoss() {
        return new SubgroupConsistencyLoss(consistency, consistencyWeight);
    }

    /** {@inheritDoc} */
    @Override
    public JsonObject describe() {
        JsonObject json = new JsonObject();
        json.addProperty("method", "camel");
        json.add("training", training.describe());
        json.add("groupDro", groupDro.describe());
        json.addProperty("consistency", consistency.name().toLowerCase(Locale.ROOT));
        json.addProperty("consistencyWeight", consistencyWeight);
        json.addProperty("baselineBatchSize", baselineBatchSize);
        json.addProperty("translationBatchSize", translationBatchSize);
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
        b.groupDro = groupDro;
        b.consistency = consistency;
        b.consistencyWeight = consistencyWeight;
        b.baselineBatchSize = baselineBatchSize;
        b.translationBatchSize = translationBatchSize;
        return b;
    }

    /** Builds a {@link CamelConfig}. */
    public static final class Builder {

        private TrainingConfig training;
        private GroupDroOptions groupDro =
                GroupDroOptions.builder().optClassConditional(true).optGeneralizationAdjustment(1.0).optStepSize(0.01).build();
        private SubgroupConsistencyLoss.Type consistency = SubgroupConsistencyLoss.Type.CAMEL;
        private float consistencyWeight = 5f;
        private int baselineBatchSize = 100;
        private int translationBatchSize = 128;

        Builder() {}

        /**
         * Sets the shared training settings (required).
         *
         * @param config the settings; its batch size is split over the groups
         * @return this builder
         */
        public Builder setTraining(TrainingConfig config) {
            this.training = Objects.requireNonNull(config, "training");
            return this;
        }

        /**
         * Sets the Group DRO options of the originals' term (default class-conditional, {@code C =
         * 1}, {@code eta = 0.01}).
         *
         * @param options the options
         * @return this builder
         */
        public Builder optGroupDro(GroupDroOptions options) {
            this.groupDro = Objects.requireNonNull(options, "groupDro");
            return this;
        }

        /**
         * Sets the consistency variant (default {@code CAMEL}).
         *
         * @param type the variant
         * @return this builder
         */
        public Builder optConsistency(SubgroupConsistencyLoss.Type type) {
            this.consistency = Objects.requireNonNull(type, "consistency");
            return this;
        }

        /**
         * Sets {@code lambda_c} (default 5, MNIST-Correlation; Waterbirds 100, CelebA 5).
         *
         * @param weight the weight, {@code >= 0}; 0 switches the consistency term off
         * @return this builder
         */
        public Builder optConsistencyWeight(float weight) {
            if (!(weight >= 0) || Float.isInfinite(weight)) {
                throw new IllegalArgumentException("lambda_c must be finite and >= 0, got " + weight);
            }
            this.consistencyWeight = weight;
            return this;
        }

        /**
         * Sets {@code baseline_batch_size} (default 100, MNIST; 128 for Waterbirds and CelebA).
         *
         * @param size the size, positive
         * @return this builder
         */
        public Builder optBaselineBatchSize(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("baseline batch size must be positive, got " + size);
            }
            this.baselineBatchSize = size;
            return this;
        }

        /**
         * Sets how many images of a group are translated at a time (default 128, MNIST; 16
         * CelebA, 4 Waterbirds), which matters for generators in training mode.
         *
         * @param size the size, positive
         * @return this builder
         */
        public Builder optTranslationBatchSize(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("translation batch size must be positive, got " + size);
            }
            this.translationBatchSize = size;
            return this;
        }

        /**
         * Builds the config.
         *
         * @return the config
         * @throws IllegalStateException without training settings
         */
        public CamelConfig build() {
            if (training == null) {
                throw new IllegalStateException("CAMEL needs training settings (setTraining or a preset)");
            }
            return new CamelConfig(this);
        }
    }
}
