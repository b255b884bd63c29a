package dev.debias.loss;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import java.util.Arrays;

/**
 * The immutable options of Group DRO (Sagawa et al., "Distributionally Robust Neural Networks for
 * Group Shifts", ICLR 2020): the step size, the generalisation adjustment, loss normalisation, the
 * variant (standard, class-conditional of CAMEL, Goel et al., ICLR 2021, or greedy top-alpha
 * "btl"), alpha, the EMA rate gamma, minVarWeight and the per-sample base loss. {@link
 * GroupDroLoss.Builder} takes the same options; {@code GroupDroConfig} holds one of these.
 */
public final class GroupDroOptions {

    final String name;
    final double stepSize;
    final double[] adjustmentVector;
    final double adjustment;
    final boolean normalizeLoss;
    final GroupDroLoss.Variant variant;
    final double alpha;
    final double gamma;
    final double minVarWeight;
    final PerSampleLoss baseLoss;

    private GroupDroOptions(BaseBuilder<?> b) {
        this.name = b.name;
        this.stepSize = b.stepSize;
        this.adjustmentVector = b.adjustmentVector == null ? null : b.adjustmentVector.clone();
        this.adjustment = b.adjustment;
        this.normalizeLoss = b.normalizeLoss;
        this.variant = b.variant();
        this.alpha = b.alpha;
        this.gamma = b.gamma;
        this.minVarWeight = b.minVarWeight;
        this.baseLoss = b.baseLoss;
    }

    /**
     * Returns a builder with the reference's defaults (eta 0.01, no adjustment, no
     * normalisation, the standard variant, alpha 0.2, gamma 0.1, cross-entropy).
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the options of a builder.
     *
     * @param builder any Group DRO builder
     * @return its options
     */
    static GroupDroOptions of(BaseBuilder<?> builder) {
        return new GroupDroOptions(builder);
    }

    /**
     * Returns the exponentiated-gradient step size eta.
     *
     * @return eta
     */
    public double stepSize() {
        return stepSize;
    }

    /**
     * Returns the variant.
     *
     * @return the variant
     */
    public GroupDroLoss.Variant variant() {
        return variant;
    }

    /**
     * Returns the adjustment constants for {@code groups} groups.
     *
     * @param groups the number of groups
     * @return the constants C_g
     * @throws IllegalArgumentException if per-group constants were given for another number of
     *     groups
     */
    double[] adjustments(int groups) {
        if (adjustmentVector != null) {
            if (adjustmentVector.length != groups) {
                throw new IllegalArgumentException(
                        "expected " + groups + " adjustments, got " + adjustmentVector.length);
            }
            return adjustmentVector.clone();
        }
        double[] constants = new double[groups];
        Arrays.fill(constants, adjustment);
        return constants;
    }

    /**
     * Describes every option as data.
     *
     * @return the options
     */
    public JsonObject describe() {
        JsonObject json = new JsonObject();
        json.addProperty("stepSize", stepSize);
        if (adjustmentVector != null) {
            JsonArray values = new JsonArray();
            Arrays.stream(adjustmentVector).forEach(values::add);
            json.add("generalizationAdjustment", values);
        } else {
            json.addProperty("generalizationAdjustment", adjustment);
        }
        json.addProperty("normalizeLoss", normalizeLoss);
        json.addProperty("variant", variant.name());
        json.addProperty("alpha", alpha);
        json.addProperty("gamma", gamma);
        json.addProperty("minVarWeight", minVarWeight);
        json.addProperty("baseLoss", baseLoss.getClass().getSimpleName());
        return json;
    }

    /**
     * The options every Group DRO builder sets.
     *
     * @param <T> the concrete builder
     */
    public abstract static class BaseBuilder<T extends BaseBuilder<T>> {

        String name = "GroupDRO";
        double stepSize = 0.01;
        double[] adjustmentVector;
        double adjustment;
        boolean normalizeLoss;
        boolean greedy;
        boolean classConditional;
        double alpha = 0.2;
        double gamma = 0.1;
        double minVarWeight;
        PerSampleLoss baseLoss = new CrossEntropy();

        /**
         * Sets the display name.
         *
         * @param name the name; default {@code "GroupDRO"}
         * @return this builder
         */
        public T optName(String name) {
            this.name = name;
            return self();
        }

        /**
         * Sets the exponentiated-gradient step size \(\eta\) ({@code robust_step_size}).
         *
         * @param eta the step size, finite and {@code >= 0}; default 0.01
         * @return this builder
         */
        public T optStepSize(double eta) {
            if (!(eta >= 0) || Double.isInfinite(eta)) {
                throw new IllegalArgumentException("step size must be finite and >= 0, got " + eta);
            }
            this.stepSize = eta;
            return self();
        }

        /**
         * Sets one generalisation-adjustment constant {@code C} for all groups (the term
         * \(C/\sqrt{n_g}\) is added to each group's loss).
         *
         * @param c the constant, finite and {@code >= 0}; default 0
         * @return this builder
         */
        public T optGeneralizationAdjustment(double c) {
            checkAdjustment(c, "the adjustment");
            this.adjustment = c;
            this.adjustmentVector = null;
            return self();
        }

        /**
         * Sets one generalisation-adjustment constant \(C_g\) per group, applied element-wise.
         *
         * @param c the constants, {@code G} finite values {@code >= 0} (checked against the groups
         *     when the loss is built)
         * @return this builder
         */
        public T optGeneralizationAdjustment(double[] c) {
            for (int g = 0; g < c.length; g++) {
                checkAdjustment(c[g], "the adjustment of group " + g);
            }
            this.adjustmentVector = c.clone();
            return self();
        }

        static void checkAdjustment(double c, String what) {
            if (!(c >= 0) || Double.isInfinite(c)) {
                throw new IllegalArgumentException(what + " must be finite and >= 0, got " + c);
            }
        }

        /**
         * Divides the adjusted group losses by their sum before the exponentiated-gradient step
         * ({@code normalize_loss}); ignored by the greedy variant.
         *
         * @param normalize true to normalise; default false
         * @return this builder
         */
        public T optNormalizeLoss(boolean normalize) {
            this.normalizeLoss = normalize;
            return self();
        }

        /**
         * Selects the greedy top-\(\alpha\) variant ({@code btl}).
         *
         * @param btl true for the greedy variant; default false
         * @return this builder
         */
        public T optBtl(boolean btl) {
            this.greedy = btl;
            return self();
        }

        /**
         * Sets the fraction \(\alpha\) of the training data the greedy variant concentrates on.
         *
         * @param alpha in {@code (0, 1]}; default 0.2
         * @return this builder
         */
        public T optAlpha(double alpha) {
            if (!(alpha > 0 && alpha <= 1)) {
                throw new IllegalArgumentException("alpha must be in (0, 1], got " + alpha);
            }
            this.alpha = alpha;
            return self();
        }

        /**
         * Sets the rate \(\gamma\) of the exponential moving average of the group losses.
         *
         * @param gamma in {@code (0, 1]}; default 0.1
         * @return this builder
         */
        public T optGamma(double gamma) {
            if (!(gamma > 0 && gamma <= 1)) {
                throw new IllegalArgumentException("gamma must be in (0, 1], got " + gamma);
            }
            this.gamma = gamma;
            return self();
        }

        /**
         * Sets the share of the training fractions mixed into the greedy weights.
         *
         * @param weight in {@code [0, 1]}; default 0
         * @return this builder
         */
        public T optMinVarWeight(double weight) {
            if (!(weight >= 0 && weight <= 1)) {
                throw new IllegalArgumentException("minVarWeight must be in [0, 1], got " + weight);
            }
            this.minVarWeight = weight;
            return self();
        }

        /**
         * Selects the class-conditional variant: one distribution per class (CAMEL's {@code
         * gdro_mixed}).
         *
         * @param classConditional true for the class-conditional variant; default false
         * @return this builder
         */
        public T optClassConditional(boolean classConditional) {
            this.classConditional = classConditional;
            return self();
        }

        /**
         * Sets the per-sample loss whose group means Group DRO weighs.
         *
         * @param loss the per-sample loss; default {@link CrossEntropy}
         * @return this builder
         */
        public T optBaseLoss(PerSampleLoss loss) {
            if (loss == null) {
                throw new IllegalArgumentException("the base loss must not be null");
            }
            this.baseLoss = loss;
            return self();
        }

        /**
         * Copies every option from a set of options.
         *
         * @param options the options
         * @return this builder
         */
        public T optOptions(GroupDroOptions options) {
            name = options.name;
            stepSize = options.stepSize;
            adjustmentVector = options.adjustmentVector == null ? null : options.adjustmentVector.clone();
            adjustment = options.adjustment;
            normalizeLoss = options.normalizeLoss;
            greedy = options.variant == GroupDroLoss.Variant.GREEDY;
            classConditional = options.variant == GroupDroLoss.Variant.CLASS_CONDITIONAL;
            alpha = options.alpha;
            gamma = options.gamma;
            minVarWeight = options.minVarWeight;
            baseLoss = options.baseLoss;
            return self();
        }

        /**
         * Returns this builder.
         *
         * @return this builder
         */
        protected abstract T self();

        GroupDroLoss.Variant variant() {
            if (greedy && classConditional) {
                throw new IllegalArgumentException(
                        "the greedy (btl) and class-conditional variants cannot be combined");
            }
            if (greedy) {
                return GroupDroLoss.Variant.GREEDY;
            }
            return classConditional ? GroupDroLoss.Variant.CLASS_CONDITIONAL : GroupDroLoss.Variant.STANDARD;
        }
    }

    /** Builds {@link GroupDroOptions}. */
    public static final class Builder extends BaseBuilder<Builder> {

        Builder() {}

        /** {@inheritDoc} */
        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Builds the options.
         *
         * @return the options
         * @throws IllegalArgumentException if the options conflict
         */
        public GroupDroOptions build() {
            return new GroupDroOptions(this);
        }
    }
}
