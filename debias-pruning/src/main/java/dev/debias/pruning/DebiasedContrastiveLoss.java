package dev.debias.pruning;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import dev.debias.ndarray.Scalars;

/**
 * DCWP's debiased supervised-contrastive term (Park et al., CVPR 2023; ALGORITHMS.md §10.5), over
 * one view of a batch's features. With {@code h = f / ||f||₂}, {@code S = h hᵀ / T} minus its
 * (detached) row maxima, and the positive mask {@code P},
 *
 * <pre>
 * log p[i,j] = S[i,j] − log Σ_{k≠i} exp S[i,k]
 * L = −(T / T_base) · mean_{i : Σ_j P[i,j] > 0} ( Σ_j P[i,j] · log p[i,j] / Σ_j P[i,j] )
 * </pre>
 *
 * <p>{@link Positives#CANDIDATE_MINED} (default, what the reference computes): {@code P[i,j] = [y_i =
 * y_j] · [mined_j] · [i ≠ j]}; {@link Positives#EITHER_MINED} (what its code seems to intend):
 * {@code [y_i = y_j] · [mined_i ∨ mined_j] · [i ≠ j]}. Rows without a positive are left out; a
 * batch in which no row has one gives 0 (the reference would give NaN), and {@link
 * Result#rowsWithPositives()} says so.
 */
public final class DebiasedContrastiveLoss {

    /** The default temperature {@code T} (and base temperature) of the reference. */
    public static final float DEFAULT_TEMPERATURE = 0.07f;

    /** Which pairs are positives. */
    public enum Positives {
        /** Same class and the candidate {@code j} mined as bias-conflicting (the reference). */
        CANDIDATE_MINED,
        /** Same class and either sample mined as bias-conflicting. */
        EITHER_MINED
    }

    /**
     * The term of one batch.
     *
     * @param loss the scalar loss, on the features' manager
     * @param rowsWithPositives the number of rows with at least one positive (float scalar); 0
     *     means the loss is 0 by definition
     */
    public record Result(NDArray loss, NDArray rowsWithPositives) {}

    private static final float NORM_EPS = 1e-12f;

    private final float temperature;
    private final float baseTemperature;
    private final Positives positives;

    /**
     * Creates the term with the reference's settings: {@code T = T_base = 0.07}, {@link
     * Positives#CANDIDATE_MINED}.
     */
    public DebiasedContrastiveLoss() {
        this(DEFAULT_TEMPERATURE, DEFAULT_TEMPERATURE, Positives.CANDIDATE_MINED);
    }

    /**
     * Creates the term.
     *
     * @param temperature {@code T}, positive and finite
     * @param baseTemperature {@code T_base}, positive and finite
     * @param positives which pairs are positives
     */
    public DebiasedContrastiveLoss(float temperature, float baseTemperature, Positives positives) {
        if (!(temperature > 0) || Float.isInfinite(temperature) || !(baseTemperature > 0) || Float.isInfinite(baseTemperature)) {
            throw new IllegalArgumentException(
                    "contrastive temperatures must be positive and finite, got " + temperature + " and " + baseTemperature);
        }
        this.temperature = temperature;
        this.baseTemperature = baseTemperature;
        this.positives = java.util.Objects.requireNonNull(positives, "positives");
    }

    /**
     * Computes the term.
     *
     * @param features the features {@code [B, d]}
     * @param labels the class labels {@code [B]} (integers)
     * @param mined the mined flags {@code [B]} (1 for a sample mined as bias-conflicting, else 0;
     *     any numeric type)
     * @return the loss and the number of rows that had a positive
     * @throws IllegalArgumentException if the shapes do not fit
     */
    public Result compute(NDArray features, NDArray labels, NDArray mined) {
        if (features.getShape().dimension() != 2) {
            throw new IllegalArgumentException("contrastive features must be [B, d], got " + features.getShape());
        }
        long n = features.getShape().get(0);
        if (labels.getShape().dimension() != 1 || labels.size() != n || mined.getShape().dimension() != 1 || mined.size() != n) {
            throw new IllegalArgumentException(
                    "contrastive labels and mined flags must be [" + n + "], got " + labels.getShape() + " and " + mined.getShape());
        }
        NDManager manager = features.getManager();
        DataType type = features.getDataType();
        NDArray norm = Scalars.maximum(features.norm(new int[] {1}, true), NORM_EPS);
        NDArray h = features.div(norm);
        NDArray s = Scalars.div(h.matMul(h.transpose()), temperature);
        s = s.sub(s.max(new int[] {1}, true).stopGradient());
        NDArray notSelf = manager.eye(Math.toIntExact(n)).toType(type, false).neg().add(1f);
        NDArray sameClass = labels.reshape(-1, 1).eq(labels.reshape(1, -1)).toType(type, false);
        NDArray flags = mined.toType(type, false);
        NDArray minedPair = positives == Positives.CANDIDATE_MINED
                ? flags.reshape(1, -1)
                : flags.reshape(-1, 1).maximum(flags.reshape(1, -1));
        NDArray p = sameClass.mul(minedPair).mul(notSelf);
        NDArray logDenominator = s.exp().mul(notSelf).sum(new int[] {1}, true).log();
        NDArray logProbability = s.sub(logDenominator);
        NDArray count = p.sum(new int[] {1});
        NDArray kept = count.gt(0f).toType(type, false);
        NDArray rowMean = p.mul(logProbability.neg()).sum(new int[] {1}).div(Scalars.maximum(count, 1f));
        NDArray rows = kept.sum();
        NDArray loss = Scalars.mul(rowMean.mul(kept).sum().div(Scalars.maximum(rows, 1f)), temperature / baseTemperature);
        return new Result(loss, rows);
    }

    /**
     * Returns {@code T}.
     *
     * @return the temperature
     */
    public float temperature() {
        return temperature;
    }

    /**
     * Returns the positive rule.
     *
     * @return the rule
     */
    public Positives positives() {
        return positives;
    }
}
