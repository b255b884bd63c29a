package dev.debias.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;
import ai.djl.training.loss.Loss;

import dev.debias.ndarray.Scalars;

/**
 * L1 penalty on pruning-mask scores, \(L = \lambda \sum_{l} \sum_{j} f(\pi_{l,j})\), as used by
 * Park et al., "Training Debiased Subnetworks with Contrastive Weight Pruning" (DCWP, CVPR 2023)
 * to push mask scores \(\pi\) below the keep threshold 0.
 *
 * <p>Like DJL's {@code L1WeightDecay}, the loss is constructed with the score arrays (typically the
 * mask parameters' arrays) and ignores labels and predictions. {@link Mode} selects \(f\):
 *
 * <ul>
 *   <li>{@link Mode#RAW} (default): \(f(\pi) = \pi\), signed scores as in DCWP; the gradient with
 *       respect to every score is \(\lambda\);
 *   <li>{@link Mode#ABS}: \(f(\pi) = |\pi|\);
 *   <li>{@link Mode#SIGMOID}: \(f(\pi) = \sigma(\pi)\), the expected number of kept weights (the
 *       usual L0 relaxation).
 * </ul>
 *
 * <p>{@link #evaluate} returns the scalar penalty. Its temporaries live on a sub-manager that is
 * closed before returning; the result is attached to the manager of {@code predictions.head()}
 * (the batch's manager in DJL's loops), or to the manager of the first score array when no
 * predictions are given. With several devices, the penalty is computed on the arrays given at
 * construction (one device's copy), as DJL's weight-decay losses do.
 *
 * <p>{@link #keptRatio(NDList)} and {@link #sparsity(NDList)} report \(\#(\pi \ge 0) / \#\pi\) (what
 * DCWP logs) and its complement.
 */
public final class L1MaskSparsityLoss extends Loss {

    /** How each score enters the penalty. */
    public enum Mode {
        /** The signed score \(\pi\). */
        RAW,
        /** The absolute score \(|\pi|\). */
        ABS,
        /** The keep probability \(\sigma(\pi)\). */
        SIGMOID
    }

    private final NDList scores;
    private final Mode mode;
    private final float lambda;

    /**
     * Creates the penalty with mode {@link Mode#RAW} and weight 1.
     *
     * @param scores the mask-score arrays
     */
    public L1MaskSparsityLoss(NDList scores) {
        this(scores, Mode.RAW, 1f);
    }

    /**
     * Creates the penalty.
     *
     * @param scores the mask-score arrays; at least one
     * @param mode how each score enters
     * @param lambda the weight \(\lambda\), finite and {@code >= 0}
     */
    public L1MaskSparsityLoss(NDList scores, Mode mode, float lambda) {
        this("L1MaskSparsity", scores, mode, lambda);
    }

    /**
     * Creates the penalty with a display name.
     *
     * @param name the name shown by DJL's training listeners
     * @param scores the mask-score arrays; at least one
     * @param mode how each score enters
     * @param lambda the weight \(\lambda\), finite and {@code >= 0}
     */
    public L1MaskSparsityLoss(String name, NDList scores, Mode mode, float lambda) {
        super(name);
        if (scores == null || scores.isEmpty()) {
            throw new IllegalArgumentException("the mask sparsity loss needs at least one score array");
        }
        if (mode == null) {
            throw new IllegalArgumentException("the mask sparsity mode must not be null");
        }
        if (!(lambda >= 0) || Float.isInfinite(lambda)) {
            throw new IllegalArgumentException(
                    "the mask sparsity weight must be finite and >= 0, got " + lambda);
        }
        this.scores = new NDList(scores);
        this.mode = mode;
        this.lambda = lambda;
    }

    /**
     * Returns the fraction of scores that keep their weight, \(\#(\pi \ge 0) / \#\pi\).
     *
     * @param scores the mask-score arrays
     * @return the kept ratio in {@code [0, 1]}
     */
    public static double keptRatio(NDList scores) {
        if (scores == null || scores.isEmpty()) {
            throw new IllegalArgumentException("keptRatio needs at least one score array");
        }
        long kept = 0;
        long total = 0;
        for (NDArray score : scores) {
            try (NDArray keep = score.gte(0f);
                    NDArray count = keep.countNonzero()) {
                kept += count.toType(DataType.INT64, false).getLong();
            }
            total += score.size();
        }
        if (total == 0) {
            throw new IllegalArgumentException("keptRatio: the score arrays are empty");
        }
        return (double) kept / total;
    }

    /**
     * Returns the sparsity \(1 - \#(\pi \ge 0) / \#\pi\).
     *
     * @param scores the mask-score arrays
     * @return the fraction of pruned weights
     */
    public static double sparsity(NDList scores) {
        return 1 - keptRatio(scores);
    }

    /**
     * Returns the mode.
     *
     * @return how each score enters the penalty
     */
    public Mode getMode() {
        return mode;
    }

    /**
     * Returns the weight \(\lambda\).
     *
     * @return the weight
     */
    public float getLambda() {
        return lambda;
    }

    /** {@inheritDoc} */
    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDManager target =
                predictions != null && !predictions.isEmpty()
                        ? predictions.head().getManager()
                        : scores.head().getManager();
        NDArray result;
        try (NDManager scope = scores.head().getManager().newSubManager()) {
            scope.tempAttachAll(scores);
            NDArray total = null;
            for (NDArray score : scores) {
                NDArray term =
                        switch (mode) {
                            case RAW -> score.sum();
                            case ABS -> score.abs().sum();
                            case SIGMOID -> Activation.sigmoid(score).sum();
                        };
                total = total == null ? term : total.add(term);
            }
            result = Scalars.mul(total, lambda);
            result.attach(target);
        }
        return LossInputs.requireFinite(result, getName());
    }
}
