package dev.debias.pruning;

import com.google.gson.JsonObject;

import dev.debias.loss.GeneralizedCrossEntropyLoss;
import dev.debias.train.LearningRateSchedule;
import dev.debias.train.OptimizerConfig;
import dev.debias.train.TrainingConfig;

import java.util.Objects;

/**
 * How DCWP finds bias-conflicting samples (phases 1–2 of Park et al., CVPR 2023; ALGORITHMS.md
 * §10.3–10.4): the biased model {@code f_B}, its loss and training, and the rule that turns it into a
 * mined set.
 *
 * <ul>
 *   <li>{@link Rule#WRONG}: train {@code f_B} ({@link BiasedLoss#GCE}, {@code q = 0.7}, or CE), then
 *       mine every training sample it misclassifies in one inference pass;
 *   <li>{@link Rule#ENSEMBLE}: train {@code f_B} with CE over the samples whose {@code p_y > η} only
 *       (so it stays biased); once per epoch ({@code ⌊N / B⌋} steps) add {@code (1 − p_y) · ⌊N / B⌋ /
 *       T} to every sample's score; mine the samples whose score exceeds {@code τ_e};
 *   <li>{@link Rule#SUPERVISED}: the true bias-conflicting flags (an oracle for ablations; no
 *       biased model is trained).
 * </ul>
 *
 * <p>This is the "mining model" of the reference's two-run Colored MNIST protocol, kept separate
 * from the candidate's own pre-training ({@link DcwpConfig#candidate()}).
 */
public final class MiningConfig {

    /** How the mined set is found. */
    public enum Rule {
        /** The samples the trained biased model misclassifies. */
        WRONG,
        /** The samples whose mean {@code 1 − p_y} over epochs exceeds a threshold. */
        ENSEMBLE,
        /** The true bias-conflicting flags. */
        SUPERVISED
    }

    /** The loss of the biased model under {@link Rule#WRONG}. */
    public enum BiasedLoss {
        /** Generalized cross-entropy (the reference's {@code select_with_GCE}). */
        GCE,
        /** Plain cross-entropy. */
        CE
    }

    private final Rule rule;
    private final BiasedLoss biasedLoss;
    private final float q;
    private final float eta;
    private final float threshold;
    private final TrainingConfig training;

    private MiningConfig(Builder b) {
        this.rule = b.rule;
        this.biasedLoss = b.biasedLoss;
        this.q = b.q;
        this.eta = b.eta;
        this.threshold = b.threshold;
        this.training = b.training;
    }

    /**
     * Returns a builder: rule {@link Rule#WRONG} with GCE ({@code q = 0.7}), {@code η = 0.05},
     * {@code τ_e = 0.8}; the training settings are required.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the mining model of the Colored MNIST protocol (the reference's first run): rule
     * {@code WRONG}, GCE, SGD lr 0.1 momentum 0.9 weight decay 1e-4, {@code StepLR(600, 0.1)},
     * 2,000 steps, batch 256.
     *
     * @return the preset
     */
    public static MiningConfig coloredMnist() {
        return builder()
                .setTraining(
                        TrainingConfig.builder()
                                .optOptimizer(
                                        OptimizerConfig.sgd(0.1f)
                                                .optMomentum(0.9f)
                                                .optWeightDecay(1e-4f)
                                                .optSchedule(LearningRateSchedule.stepDecay(600, 0.1f))
                                                .build())
                                .optBatchSize(256)
                                .setIterations(2000)
                                .optEvaluateEvery(500)
                                .build())
                .build();
    }

    /**
     * Returns the mining rule.
     *
     * @return the rule
     */
    public Rule rule() {
        return rule;
    }

    /**
     * Returns the biased model's loss under {@link Rule#WRONG}.
     *
     * @return the loss
     */
    public BiasedLoss biasedLoss() {
        return biasedLoss;
    }

    /**
     * Returns the GCE exponent {@code q}.
     *
     * @return q
     */
    public float q() {
        return q;
    }

    /**
     * Returns {@code η}, the {@code p_y} above which {@link Rule#ENSEMBLE}'s biased model trains on
     * a sample.
     *
     * @return η
     */
    public float eta() {
        return eta;
    }

    /**
     * Returns {@code τ_e}, the score above which {@link Rule#ENSEMBLE} mines a sample.
     *
     * @return the threshold
     */
    public float threshold() {
        return threshold;
    }

    /**
     * Returns the biased model's training settings.
     *
     * @return the settings
     */
    public TrainingConfig training() {
        return training;
    }

    /**
     * Returns the GCE loss of the biased model.
     *
     * @return GCE with exponent {@link #q()}
     */
    GeneralizedCrossEntropyLoss gce() {
        return new GeneralizedCrossEntropyLoss(q, GeneralizedCrossEntropyLoss.Form.LFF);
    }

    /**
     * Describes every setting as data.
     *
     * @return the settings
     */
    public JsonObject describe() {
        JsonObject json = new JsonObject();
        json.addProperty("rule", rule.name());
        json.addProperty("biasedLoss", biasedLoss.name());
        json.addProperty("q", q);
        json.addProperty("eta", eta);
        json.addProperty("threshold", threshold);
        json.add("training", training.describe());
        return json;
    }

    /**
     * Returns a builder holding these settings.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.rule = rule;
        b.biasedLoss = biasedLoss;
        b.q = q;
        b.eta = eta;
        b.threshold = threshold;
        b.training = training;
        return b;
    }

    /** Builds a {@link MiningConfig}. */
    public static final class Builder {

        private Rule rule = Rule.WRONG;
        private BiasedLoss biasedLoss = BiasedLoss.GCE;
        private float q = GeneralizedCrossEntropyLoss.DEFAULT_Q;
        private float eta = 0.05f;
        private float threshold = 0.8f;
        private TrainingConfig training;

        Builder() {}

        /**
         * Sets the biased model's training settings (length, batch, optimiser, seed).
         *
         * @param value the settings
         * @return this builder
         */
        public Builder setTraining(TrainingConfig value) {
            this.training = Objects.requireNonNull(value, "training");
            return this;
        }

        /**
         * Sets the mining rule (default {@link Rule#WRONG}).
         *
         * @param value the rule
         * @return this builder
         */
        public Builder optRule(Rule value) {
            this.rule = Objects.requireNonNull(value, "rule");
            return this;
        }

        /**
         * Sets the biased model's loss under {@link Rule#WRONG} (default GCE).
         *
         * @param value the loss
         * @return this builder
         */
        public Builder optBiasedLoss(BiasedLoss value) {
            this.biasedLoss = Objects.requireNonNull(value, "biased loss");
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
                throw new IllegalArgumentException("the GCE exponent q must be in (0, 1], got " + value);
            }
            this.q = value;
            return this;
        }

        /**
         * Sets {@code η} of {@link Rule#ENSEMBLE} (default 0.05).
         *
         * @param value η in [0, 1)
         * @return this builder
         */
        public Builder optEta(float value) {
            if (!(value >= 0 && value < 1)) {
                throw new IllegalArgumentException("the ensemble's eta must be in [0, 1), got " + value);
            }
            this.eta = value;
            return this;
        }

        /**
         * Sets {@code τ_e} of {@link Rule#ENSEMBLE} (default 0.8).
         *
         * @param value the threshold in [0, 1)
         * @return this builder
         */
        public Builder optThreshold(float value) {
            if (!(value >= 0 && value < 1)) {
                throw new IllegalArgumentException("the ensemble's threshold must be in [0, 1), got " + value);
            }
            this.threshold = value;
            return this;
        }

        /**
         * Builds the settings.
         *
         * @return the settings
         */
        public MiningConfig build() {
            if (training == null) {
                throw new IllegalArgumentException("the mining settings need the biased model's training (setTraining)");
            }
            return new MiningConfig(this);
        }
    }
}
