package dev.debias.train;

import dev.debias.metrics.GroupMetrics;

/**
 * How a trainer picks the checkpoint it reports as selected. The validation set is always the
 * judge; the test set is never used for selection.
 *
 * <p>The published Group DRO and JTT numbers select, for every method including ERM, the
 * evaluation with the highest worst-group validation accuracy (first argmax); LfF reports the
 * final model. {@link #AUTO} takes worst-group accuracy when the validation set has group labels
 * and the worst-class accuracy otherwise (group metrics are undefined without bias labels; this
 * is SubpopBench's rule for unknown attributes).
 */
public enum ModelSelection {
    /** Worst-group validation accuracy if the validation set has group labels, else worst-class. */
    AUTO,
    /** Highest worst-group validation accuracy. */
    WORST_GROUP,
    /** Highest unbiased (mean over non-empty groups) validation accuracy. */
    UNBIASED,
    /** Highest average (per-sample) validation accuracy. */
    AVERAGE,
    /** Highest worst-class validation accuracy (needs no bias labels). */
    WORST_CLASS,
    /** The last evaluation. */
    LAST;

    /**
     * Resolves {@link #AUTO} for a validation set.
     *
     * @param hasGroupLabels whether every validation sample has a known group
     * @return a concrete selection rule
     */
    public ModelSelection resolve(boolean hasGroupLabels) {
        if (this != AUTO) {
            return this;
        }
        return hasGroupLabels ? WORST_GROUP : WORST_CLASS;
    }

    /**
     * Returns whether a new evaluation should replace the selected one: its score is higher, or
     * equal and its unbiased accuracy higher (then its average accuracy). Worst-group accuracy
     * over many small groups ties often (Colored MNIST has 100 cells, several of them 0 % for a
     * long time), and the first of equal scores is kept otherwise, as the references do. {@link
     * #LAST} always prefers the new evaluation.
     *
     * @param candidate the new evaluation's metrics
     * @param selected the currently selected evaluation's metrics
     * @return true to select the candidate
     */
    public boolean prefers(GroupMetrics candidate, GroupMetrics selected) {
        if (this == LAST) {
            return true;
        }
        int byScore = compare(score(candidate), score(selected));
        if (byScore != 0) {
            return byScore > 0;
        }
        int byUnbiased = compare(candidate.unbiasedAccuracy(), selected.unbiasedAccuracy());
        if (byUnbiased != 0) {
            return byUnbiased > 0;
        }
        return compare(candidate.averageAccuracy(), selected.averageAccuracy()) > 0;
    }

    /** Compares two scores, NaN (undefined) below every number. */
    private static int compare(double a, double b) {
        if (Double.isNaN(a) || Double.isNaN(b)) {
            return Double.isNaN(a) ? (Double.isNaN(b) ? 0 : -1) : 1;
        }
        return Double.compare(a, b);
    }

    /**
     * Returns the score this rule maximises.
     *
     * @param metrics validation metrics
     * @return the score; higher is better
     */
    public double score(GroupMetrics metrics) {
        switch (this) {
            case WORST_GROUP:
                return metrics.worstGroupAccuracy();
            case UNBIASED:
            case AUTO:
                return metrics.unbiasedAccuracy();
            case AVERAGE:
                return metrics.averageAccuracy();
            case WORST_CLASS:
                return metrics.worstClassAccuracy();
            case LAST:
            default:
                return 0;
        }
    }
}
