package dev.debias.loss;

import java.util.Arrays;

/**
 * The group weights and loss values of one (committed or prospective) step of {@link
 * GroupDroLoss} (Sagawa et al., ICLR 2020).
 */
public final class RobustWeights {

    final double[] weights;
    final double[] groupLosses;
    final long[] groupCounts;
    final double adjustmentOffset;
    final double unadjustedLoss;

    RobustWeights(
            double[] weights,
            double[] groupLosses,
            long[] groupCounts,
            double adjustmentOffset,
            double unadjustedLoss) {
        this.weights = weights;
        this.groupLosses = groupLosses;
        this.groupCounts = groupCounts;
        this.adjustmentOffset = adjustmentOffset;
        this.unadjustedLoss = unadjustedLoss;
    }

    /**
     * Returns the weight \(w_g\) of every group in the robust loss (they sum to 1).
     *
     * @return a copy of the weights
     */
    public double[] weights() {
        return weights.clone();
    }

    /**
     * Returns the batch mean loss \(L_g\) of every group (0 where the batch has none).
     *
     * @return a copy of the group losses
     */
    public double[] groupLosses() {
        return groupLosses.clone();
    }

    /**
     * Returns the batch count of every group.
     *
     * @return a copy of the counts
     */
    public long[] groupCounts() {
        return groupCounts.clone();
    }

    /**
     * Returns the constant \(\sum_g w_g C_g / \sqrt{n_g}\) that the adjustment adds to the
     * robust loss (0 for the greedy variant).
     *
     * @return the offset
     */
    public double adjustmentOffset() {
        return adjustmentOffset;
    }

    /**
     * Returns \(\sum_g w_g L_g\), the robust loss without the adjustment offset (the value to
     * log).
     *
     * @return the unadjusted robust loss
     */
    public double unadjustedLoss() {
        return unadjustedLoss;
    }

    /**
     * Returns the robust loss including the adjustment offset, the value {@link
     * GroupDroLoss#evaluate} returns.
     *
     * @return the adjusted robust loss
     */
    public double adjustedLoss() {
        return unadjustedLoss + adjustmentOffset;
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return "RobustWeights{weights="
                + Arrays.toString(weights)
                + ", groupLosses="
                + Arrays.toString(groupLosses)
                + ", unadjustedLoss="
                + unadjustedLoss
                + ", adjustmentOffset="
                + adjustmentOffset
                + '}';
    }
}
