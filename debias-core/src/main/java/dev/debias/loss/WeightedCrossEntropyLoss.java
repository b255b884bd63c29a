package dev.debias.loss;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;

import dev.debias.data.GroupedLabels;
import dev.debias.ndarray.Scalars;

/**
 * Cross-entropy with a constant weight per sample: \(L = \frac{1}{B}\sum_i w_i\,
 * \mathrm{CE}_i\), or, with {@link Builder#optNormalizeBySumOfWeights(boolean)}, \(L = \sum_i w_i\,
 * \mathrm{CE}_i / \sum_i w_i\).
 *
 * <p>The default reduction divides by the batch size {@code B}, not by \(\sum_i w_i\): this is what
 * the weighted losses of Nam et al., "Learning from Failure" (NeurIPS 2020) and of DisEnt compute,
 * and what re-weighted ERM with inverse group frequencies computes. The weights never carry a
 * gradient (they are detached).
 *
 * <p>The weights come from one of two sources, fixed at construction:
 *
 * <ul>
 *   <li>without {@link Builder#optGroupWeights(double[])}: the per-sample label column {@link
 *       GroupedLabels#WEIGHT} (a float vector {@code [B]}), which must be present;
 *   <li>with group weights \(v_g\): \(w_i = v_{g_i}\), looked up natively from the {@link
 *       GroupedLabels#GROUP} column; samples with an unknown group ({@code -1}) get weight 0.
 * </ul>
 *
 * <p>{@link #inverseGroupFrequency(long[])} and {@link #sqrtInverseGroupFrequency(long[])} compute
 * the usual group weights from training counts.
 */
public final class WeightedCrossEntropyLoss extends Loss implements PerSampleLoss {

    private static final float MIN_WEIGHT_SUM = 1e-12f;

    private final float[] groupWeights;
    private final boolean normalizeBySumOfWeights;

    private WeightedCrossEntropyLoss(Builder builder) {
        super(builder.name);
        this.groupWeights = builder.groupWeights;
        this.normalizeBySumOfWeights = builder.normalizeBySumOfWeights;
    }

    /**
     * Returns a builder; without options it builds the loss that reads the {@link
     * GroupedLabels#WEIGHT} column and divides by the batch size.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the inverse group frequencies \(N / n_g\) with \(N = \sum_g n_g\); a group with
     * \(n_g = 0\) gets weight 0.
     *
     * @param counts the training count of every group
     * @return one weight per group
     * @throws IllegalArgumentException if a count is negative or all counts are 0
     */
    public static double[] inverseGroupFrequency(long[] counts) {
        long total = 0;
        for (int g = 0; g < counts.length; g++) {
            if (counts[g] < 0) {
                throw new IllegalArgumentException(
                        "group " + g + " has a negative count: " + counts[g]);
            }
            total += counts[g];
        }
        if (total == 0) {
            throw new IllegalArgumentException("all group counts are 0");
        }
        double[] weights = new double[counts.length];
        for (int g = 0; g < counts.length; g++) {
            weights[g] = counts[g] == 0 ? 0 : (double) total / counts[g];
        }
        return weights;
    }

    /**
     * Returns the square roots of the inverse group frequencies, \(\sqrt{N / n_g}\); a group with
     * \(n_g = 0\) gets weight 0.
     *
     * @param counts the training count of every group
     * @return one weight per group
     * @throws IllegalArgumentException if a count is negative or all counts are 0
     */
    public static double[] sqrtInverseGroupFrequency(long[] counts) {
        double[] weights = inverseGroupFrequency(counts);
        for (int g = 0; g < weights.length; g++) {
            weights[g] = Math.sqrt(weights[g]);
        }
        return weights;
    }

    /**
     * Returns the weighted per-sample losses \(w_i\,\mathrm{CE}_i\).
     *
     * @param logits the logits {@code [B, K]}
     * @param labels the class labels {@code [B]}
     * @param weights the per-sample weights {@code [B]}; they are detached here
     * @return the weighted losses, shape {@code [B]}
     * @throws IllegalArgumentException if the shapes do not match or a label is out of range
     */
    public static NDArray weighted(NDArray logits, NDArray labels, NDArray weights) {
        NDArray ce = CrossEntropy.ofLogits(logits, labels);
        NDArray w =
                LossInputs.vector(weights, "weights", ce.getShape().get(0), "WeightedCrossEntropy");
        return ce.mul(w.stopGradient().toType(ce.getDataType(), false));
    }

    /**
     * Returns whether the weights come from a per-group table rather than the {@link
     * GroupedLabels#WEIGHT} column.
     *
     * @return true if group weights were supplied
     */
    public boolean usesGroupWeights() {
        return groupWeights != null;
    }

    /**
     * Returns the per-sample weights of a batch.
     *
     * @param labels the label columns
     * @param batchSize the batch size
     * @param like an array whose manager, device and data type the weights should have
     * @return the detached weights {@code [B]}
     */
    private NDArray sampleWeights(NDList labels, long batchSize, NDArray like) {
        if (groupWeights == null) {
            NDArray w =
                    LossInputs.column(labels, GroupedLabels.WEIGHT, "WEIGHT", batchSize, getName());
            return w.stopGradient().toType(like.getDataType(), false);
        }
        NDArray groups =
                LossInputs.asInt64(
                        LossInputs.column(labels, GroupedLabels.GROUP, "GROUP", batchSize, getName()),
                        "group ids",
                        getName());
        // Entry 0 of the table serves the unknown group -1, entry g + 1 serves group g.
        float[] table = new float[groupWeights.length + 1];
        System.arraycopy(groupWeights, 0, table, 1, groupWeights.length);
        NDArray tableArray =
                groups.getManager()
                        .create(table)
                        .toDevice(groups.getDevice(), false)
                        .toType(like.getDataType(), false);
        try {
            return tableArray.gather(groups.add(1), 0);
        } catch (EngineException e) {
            throw new IllegalArgumentException(
                    getName()
                            + ": a group id is outside [-1, "
                            + groupWeights.length
                            + "): "
                            + e.getMessage(),
                    e);
        }
    }

    /** {@inheritDoc} */
    @Override
    public NDArray perSample(NDList labels, NDList predictions) {
        NDArray logits = LossInputs.logits(predictions, 0, getName());
        long batch = logits.getShape().get(0);
        NDArray y = LossInputs.column(labels, GroupedLabels.LABEL, "LABEL", batch, getName());
        NDArray ce = CrossEntropy.ofLogits(logits, y);
        return ce.mul(sampleWeights(labels, batch, ce));
    }

    /** {@inheritDoc} */
    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray logits = LossInputs.logits(predictions, 0, getName());
        long batch = logits.getShape().get(0);
        NDArray y = LossInputs.column(labels, GroupedLabels.LABEL, "LABEL", batch, getName());
        NDArray ce = CrossEntropy.ofLogits(logits, y);
        NDArray w = sampleWeights(labels, batch, ce);
        NDArray total = ce.mul(w).sum();
        NDArray loss =
                normalizeBySumOfWeights
                        ? total.div(Scalars.maximum(w.sum(), MIN_WEIGHT_SUM))
                        : Scalars.div(total, batch);
        return LossInputs.requireFinite(loss, getName());
    }

    /** Builds a {@link WeightedCrossEntropyLoss}. */
    public static final class Builder {

        private String name = "WeightedCrossEntropy";
        private float[] groupWeights;
        private boolean normalizeBySumOfWeights;

        Builder() {}

        /**
         * Sets the display name.
         *
         * @param name the name; default {@code "WeightedCrossEntropy"}
         * @return this builder
         */
        public Builder optName(String name) {
            this.name = name;
            return this;
        }

        /**
         * Takes the weights from a per-group table instead of the {@link GroupedLabels#WEIGHT}
         * column.
         *
         * @param weights one finite, non-negative weight per group, e.g. {@link
         *     #inverseGroupFrequency(long[])}
         * @return this builder
         * @throws IllegalArgumentException if the table is empty or holds a negative or
         *     non-finite value
         */
        public Builder optGroupWeights(double[] weights) {
            if (weights.length == 0) {
                throw new IllegalArgumentException("the group weight table is empty");
            }
            float[] copy = new float[weights.length];
            for (int g = 0; g < weights.length; g++) {
                if (!Double.isFinite(weights[g]) || weights[g] < 0) {
                    throw new IllegalArgumentException(
                            "group weight " + g + " must be finite and >= 0, got " + weights[g]);
                }
                copy[g] = (float) weights[g];
            }
            this.groupWeights = copy;
            return this;
        }

        /**
         * Divides by \(\sum_i w_i\) instead of the batch size (not what the reference
         * implementations do).
         *
         * @param normalize true to normalise by the sum of weights; default false
         * @return this builder
         */
        public Builder optNormalizeBySumOfWeights(boolean normalize) {
            this.normalizeBySumOfWeights = normalize;
            return this;
        }

        /**
         * Builds the loss.
         *
         * @return the loss
         */
        public WeightedCrossEntropyLoss build() {
            return new WeightedCrossEntropyLoss(this);
        }
    }
}
