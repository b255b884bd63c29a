package dev.debias.pruning;

import com.google.gson.JsonObject;

import dev.debias.train.LearningRateSchedule;
import dev.debias.train.ModelSelection;
import dev.debias.train.OptimizerConfig;
import dev.debias.train.MethodConfig;
import dev.debias.train.TrainingConfig;

import java.util.Objects;

/**
 * Settings of DCWP (Park et al., "Training Debiased Subnetworks with Contrastive Weight Pruning",
 * CVPR 2023; ALGORITHMS.md §10): the mining model ({@link MiningConfig}), the candidate's
 * pre-training, the pruning phase (scores learned, weights frozen) and the fine-tuning phase (mask
 * fixed), with their up-weights and loss weights.
 *
 * <p>{@link #training()} is the fine-tuning phase's settings; its checkpoint directory, resume flag,
 * device and seed are the whole run's. The other phases take only their length, batch, optimiser,
 * evaluation period and selection rule from their own settings.
 */
public final class DcwpConfig implements MethodConfig {

    private final MiningConfig mining;
    private final TrainingConfig candidate;
    private final TrainingConfig pruning;
    private final TrainingConfig finetuning;
    private final double pruneUpweight;
    private final double finetuneUpweight;
    private final float lambdaSparse;
    private final float lambdaContrastivePrune;
    private final float lambdaContrastiveFinetune;
    private final MaskNoise noise;
    private final float maskTemperature;
    private final DebiasedContrastiveLoss.Positives positives;
    private final float contrastiveTemperature;

    private DcwpConfig(Builder b) {
        this.mining = b.mining;
        this.candidate = b.candidate;
        this.pruning = b.pruning;
        this.finetuning = b.finetuning;
        this.pruneUpweight = b.pruneUpweight;
        this.finetuneUpweight = b.finetuneUpweight;
        this.lambdaSparse = b.lambdaSparse;
        this.lambdaContrastivePrune = b.lambdaContrastivePrune;
        this.lambdaContrastiveFinetune = b.lambdaContrastiveFinetune;
        this.noise = b.noise;
        this.maskTemperature = b.maskTemperature;
        this.positives = b.positives;
        this.contrastiveTemperature = b.contrastiveTemperature;
    }

    /**
     * Returns a builder with the reference's defaults for the pruning settings ({@code λ_sparse =
     * 1e-8}, {@code λ_con = 0.05} in both phases, up-weight 80 while pruning, noise on the
     * probability, {@code τ = 1}, contrastive {@code T = 0.07}); mining, candidate, pruning and
     * fine-tuning settings and the fine-tuning up-weight are required.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the pruning phase of the reference: Adam lr 1e-2 (default betas), 2,000 steps.
     *
     * @param batchSize the batch size
     * @return the settings' builder
     */
    public static TrainingConfig.Builder referencePruning(int batchSize) {
        return TrainingConfig.builder()
                .optOptimizer(OptimizerConfig.adam(1e-2f).build())
                .optBatchSize(batchSize)
                .setIterations(2000)
                .optEvaluateEvery(500);
    }

    /**
     * Returns the Colored MNIST preset for a conflicting percentage (0.5, 1, 2 or 5): mining by the
     * GCE-trained biased model of {@link MiningConfig#coloredMnist()}; the candidate (GateCNN)
     * pre-trained with Adam lr 1e-2, betas (0.9, 0.99), 10,000 steps, {@code StepLR(10,000, 0.1)};
     * pruning as {@link #referencePruning(int)}; fine-tuning with Adam lr 1e-3, betas (0.9, 0.99),
     * 1,000 steps, {@code StepLR(1,000, 0.1)}, up-weight 80 / 50 / 30 / 10; batch 256 throughout. The
     * final model is reported; the one selected by unbiased validation accuracy is reported too.
     *
     * @param conflictPercent one of 0.5, 1, 2, 5
     * @return the preset
     * @throws IllegalArgumentException for another percentage
     */
    public static DcwpConfig coloredMnist(double conflictPercent) {
        double upweight;
        if (conflictPercent == 0.5) {
            upweight = 80;
        } else if (conflictPercent == 1) {
            upweight = 50;
        } else if (conflictPercent == 2) {
            upweight = 30;
        } else if (conflictPercent == 5) {
            upweight = 10;
        } else {
            throw new IllegalArgumentException(
                    "DCWP's Colored MNIST presets exist for 0.5, 1, 2 and 5 % conflicting, not " + conflictPercent);
        }
        return builder()
                .setMining(MiningConfig.coloredMnist())
                .setCandidate(adamTraining(1e-2f, 10_000, 10_000, 0.1f).build())
                .setPruning(referencePruning(256).build())
                .setFinetuning(adamTraining(1e-3f, 1000, 1000, 0.1f).optModelSelection(ModelSelection.UNBIASED).build())
                .setFinetuneUpweight(upweight)
                .build();
    }

    private static TrainingConfig.Builder adamTraining(float lr, long steps, int decayEvery, float gamma) {
        return TrainingConfig.builder()
                .optOptimizer(
                        OptimizerConfig.adam(lr)
                                .optBetas(0.9f, 0.99f)
                                .optSchedule(LearningRateSchedule.stepDecay(decayEvery, gamma))
                                .build())
                .optBatchSize(256)
                .setIterations(steps)
                .optEvaluateEvery(500);
    }

    /**
     * Returns the mining settings.
     *
     * @return the mining settings
     */
    public MiningConfig mining() {
        return mining;
    }

    /**
     * Returns the candidate's pre-training settings (phase 1, cross-entropy, masks off).
     *
     * @return the settings
     */
    public TrainingConfig candidate() {
        return candidate;
    }

    /**
     * Returns the pruning settings (phase 3; the optimiser is the scores').
     *
     * @return the settings
     */
    public TrainingConfig pruning() {
        return pruning;
    }

    /**
     * Returns the fine-tuning settings (phase 4), which also hold the run's checkpoint directory,
     * resume flag, device and seed.
     *
     * @return the settings
     */
    @Override
    public TrainingConfig training() {
        return finetuning;
    }

    /**
     * Returns the sampling weight of mined samples while pruning (the reference's hard-coded 80).
     *
     * @return the up-weight
     */
    public double pruneUpweight() {
        return pruneUpweight;
    }

    /**
     * Returns {@code λ_up}, the sampling weight of mined samples while fine-tuning.
     *
     * @return the up-weight
     */
    public double finetuneUpweight() {
        return finetuneUpweight;
    }

    /**
     * Returns {@code λ_sparse}, the weight of the sum of the scores.
     *
     * @return λ_sparse
     */
    public float lambdaSparse() {
        return lambdaSparse;
    }

    /**
     * Returns the contrastive term's weight while pruning.
     *
     * @return λ_con (pruning)
     */
    public float lambdaContrastivePrune() {
        return lambdaContrastivePrune;
    }

    /**
     * Returns the contrastive term's weight while fine-tuning.
     *
     * @return λ_con (fine-tuning)
     */
    public float lambdaContrastiveFinetune() {
        return lambdaContrastiveFinetune;
    }

    /**
     * Returns where sampled masks add their noise.
     *
     * @return the noise rule
     */
    public MaskNoise noise() {
        return noise;
    }

    /**
     * Returns the temperature of sampled masks.
     *
     * @return τ
     */
    public float maskTemperature() {
        return maskTemperature;
    }

    /**
     * Returns the contrastive term.
     *
     * @return the term with this config's temperature and positive rule
     */
    public DebiasedContrastiveLoss contrastive() {
        return new DebiasedContrastiveLoss(contrastiveTemperature, contrastiveTemperature, positives);
    }

    /** {@inheritDoc} */
    @Override
    public JsonObject describe() {
        JsonObject json = new JsonObject();
        json.addProperty("method", "dcwp");
        json.add("mining", mining.describe());
        json.add("candidate", candidate.describe());
        json.add("pruning", pruning.describe());
        json.add("training", finetuning.describe());
        json.addProperty("pruneUpweight", pruneUpweight);
        json.addProperty("finetuneUpweight", finetuneUpweight);
        json.addProperty("lambdaSparse", lambdaSparse);
        json.addProperty("lambdaContrastivePrune", lambdaContrastivePrune);
        json.addProperty("lambdaContrastiveFinetune", lambdaContrastiveFinetune);
        json.addProperty("noise", noise.name());
        json.addProperty("maskTemperature", maskTemperature);
        json.addProperty("positives", positives.name());
        json.addProperty("contrastiveTemperature", contrastiveTemperature);
        return json;
    }

    /**
     * Returns a builder holding these settings.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.mining = mining;
        b.candidate = candidate;
        b.pruning = pruning;
        b.finetuning = finetuning;
        b.pruneUpweight = pruneUpweight;
        b.finetuneUpweight = finetuneUpweight;
        b.lambdaSparse = lambdaSparse;
        b.lambdaContrastivePrune = lambdaContrastivePrune;
        b.lambdaContrastiveFinetune = lambdaContrastiveFinetune;
        b.noise = noise;
        b.maskTemperature = maskTemperature;
        b.positives = positives;
        b.contrastiveTemperature = contrastiveTemperature;
        return b;
    }

    /** Builds a {@link DcwpConfig}. */
    public static final class Builder {

        private MiningConfig mining;
        private TrainingConfig candidate;
        private TrainingConfig pruning;
        private TrainingConfig finetuning;
        private double pruneUpweight = 80;
        private double finetuneUpweight = Double.NaN;
        private float lambdaSparse = 1e-8f;
        private float lambdaContrastivePrune = 0.05f;
        private float lambdaContrastiveFinetune = 0.05f;
        private MaskNoise noise = MaskNoise.ON_PROBABILITY;
        private float maskTemperature = 1f;
        private DebiasedContrastiveLoss.Positives positives = DebiasedContrastiveLoss.Positives.CANDIDATE_MINED;
        private float contrastiveTemperature = DebiasedContrastiveLoss.DEFAULT_TEMPERATURE;

        Builder() {}

        /**
         * Sets the mining settings.
         *
         * @param value the settings
         * @return this builder
         */
        public Builder setMining(MiningConfig value) {
            this.mining = Objects.requireNonNull(value, "mining");
            return this;
        }

        /**
         * Sets the candidate's pre-training settings.
         *
         * @param value the settings
         * @return this builder
         */
        public Builder setCandidate(TrainingConfig value) {
            this.candidate = Objects.requireNonNull(value, "candidate");
            return this;
        }

        /**
         * Sets the pruning settings (the optimiser is the scores').
         *
         * @param value the settings
         * @return this builder
         */
        public Builder setPruning(TrainingConfig value) {
            this.pruning = Objects.requireNonNull(value, "pruning");
            return this;
        }

        /**
         * Sets the fine-tuning settings, which hold the run's checkpoint directory, resume flag,
         * device and seed.
         *
         * @param value the settings
         * @return this builder
         */
        public Builder setFinetuning(TrainingConfig value) {
            this.finetuning = Objects.requireNonNull(value, "finetuning");
            return this;
        }

        /**
         * Sets {@code λ_up}, the sampling weight of mined samples while fine-tuning.
         *
         * @param value a weight {@code >= 1}
         * @return this builder
         */
        public Builder setFinetuneUpweight(double value) {
            this.finetuneUpweight = requireUpweight(value, "fine-tuning");
            return this;
        }

        /**
         * Sets the sampling weight of mined samples while pruning (default 80).
         *
         * @param value a weight {@code >= 1}
         * @return this builder
         */
        public Builder optPruneUpweight(double value) {
            this.pruneUpweight = requireUpweight(value, "pruning");
            return this;
        }

        /**
         * Sets {@code λ_sparse} (default 1e-8).
         *
         * @param value a finite weight {@code >= 0}
         * @return this builder
         */
        public Builder optLambdaSparse(float value) {
            this.lambdaSparse = requireWeight(value, "lambda_sparse");
            return this;
        }

        /**
         * Sets the contrastive weights of the pruning and fine-tuning phases (default 0.05 both).
         *
         * @param prune the weight while pruning
         * @param finetune the weight while fine-tuning
         * @return this builder
         */
        public Builder optLambdaContrastive(float prune, float finetune) {
            this.lambdaContrastivePrune = requireWeight(prune, "lambda_con (pruning)");
            this.lambdaContrastiveFinetune = requireWeight(finetune, "lambda_con (fine-tuning)");
            return this;
        }

        /**
         * Sets where sampled masks add their noise (default {@link MaskNoise#ON_PROBABILITY}).
         *
         * @param value the rule
         * @return this builder
         */
        public Builder optNoise(MaskNoise value) {
            this.noise = Objects.requireNonNull(value, "noise");
            return this;
        }

        /**
         * Sets the temperature of sampled masks (default 1).
         *
         * @param value a positive, finite temperature
         * @return this builder
         */
        public Builder optMaskTemperature(float value) {
            if (!(value > 0) || Float.isInfinite(value)) {
                throw new IllegalArgumentException("the mask temperature must be positive and finite, got " + value);
            }
            this.maskTemperature = value;
            return this;
        }

        /**
         * Sets the contrastive term's positive rule (default {@link
         * DebiasedContrastiveLoss.Positives#CANDIDATE_MINED}) and temperature (default 0.07).
         *
         * @param rule the positive rule
         * @param temperature a positive, finite temperature
         * @return this builder
         */
        public Builder optContrastive(DebiasedContrastiveLoss.Positives rule, float temperature) {
            this.positives = Objects.requireNonNull(rule, "positives");
            if (!(temperature > 0) || Float.isInfinite(temperature)) {
                throw new IllegalArgumentException("the contrastive temperature must be positive and finite, got " + temperature);
            }
            this.contrastiveTemperature = temperature;
            return this;
        }

        private static double requireUpweight(double value, String phase) {
            if (!(value >= 1) || Double.isInfinite(value)) {
                throw new IllegalArgumentException("the " + phase + " up-weight must be finite and >= 1, got " + value);
            }
            return value;
        }

        private static float requireWeight(float value, String name) {
            if (!(value >= 0) || Float.isInfinite(value)) {
                throw new IllegalArgumentException(name + " must be finite and >= 0, got " + value);
            }
            return value;
        }

        /**
         * Builds the settings.
         *
         * @return the settings
         */
        public DcwpConfig build() {
            if (mining == null || candidate == null || pruning == null || finetuning == null) {
                throw new IllegalArgumentException(
                        "DCWP needs mining, candidate, pruning and fine-tuning settings (setMining, setCandidate, setPruning, setFinetuning)");
            }
            if (Double.isNaN(finetuneUpweight)) {
                throw new IllegalArgumentException("DCWP needs the fine-tuning up-weight lambda_up (setFinetuneUpweight)");
            }
            return new DcwpConfig(this);
        }
    }
}
