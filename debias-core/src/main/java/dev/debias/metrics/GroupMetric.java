package dev.debias.metrics;

import java.util.function.ToDoubleFunction;

/**
 * The summary numbers of a {@link GroupMetrics}, each with the key it has in JSON, CSV and
 * metric histories and the direction in which it improves.
 *
 * <p>Model selection and DJL evaluators refer to a metric through this enum, so a number has one
 * name everywhere. The definitions are in the Javadoc of the {@link GroupMetrics} method each
 * constant reads.
 */
public enum GroupMetric {

    /** {@link GroupMetrics#averageAccuracy()}: plain sample accuracy. */
    AVERAGE_ACCURACY("averageAccuracy", true, GroupMetrics::averageAccuracy),

    /** {@link GroupMetrics#worstGroupAccuracy()}: minimum over non-empty groups. */
    WORST_GROUP_ACCURACY("worstGroupAccuracy", true, GroupMetrics::worstGroupAccuracy),

    /** {@link GroupMetrics#bestGroupAccuracy()}: maximum over non-empty groups. */
    BEST_GROUP_ACCURACY("bestGroupAccuracy", true, GroupMetrics::bestGroupAccuracy),

    /** {@link GroupMetrics#unbiasedAccuracy()}: mean over non-empty groups. */
    UNBIASED_ACCURACY("unbiasedAccuracy", true, GroupMetrics::unbiasedAccuracy),

    /** {@link GroupMetrics#alignedAccuracy()}: mean over non-empty bias-aligned groups. */
    ALIGNED_ACCURACY("alignedAccuracy", true, GroupMetrics::alignedAccuracy),

    /** {@link GroupMetrics#conflictingAccuracy()}: mean over non-empty bias-conflicting groups. */
    CONFLICTING_ACCURACY("conflictingAccuracy", true, GroupMetrics::conflictingAccuracy),

    /** {@link GroupMetrics#gap()}: aligned minus conflicting accuracy. */
    GAP("gap", false, GroupMetrics::gap),

    /** {@link GroupMetrics#subgroupGap()}: CAMEL's largest within-class accuracy gap. */
    SUBGROUP_GAP("subgroupGap", false, GroupMetrics::subgroupGap),

    /** {@link GroupMetrics#adjustedAccuracy()}: group accuracies weighted by training counts. */
    ADJUSTED_ACCURACY("adjustedAccuracy", true, GroupMetrics::adjustedAccuracy),

    /** {@link GroupMetrics#balancedAccuracy()}: mean over non-empty classes. */
    BALANCED_ACCURACY("balancedAccuracy", true, GroupMetrics::balancedAccuracy),

    /** {@link GroupMetrics#worstClassAccuracy()}: minimum over non-empty classes. */
    WORST_CLASS_ACCURACY("worstClassAccuracy", true, GroupMetrics::worstClassAccuracy),

    /** {@link GroupMetrics#meanLoss()}: mean loss per sample, if a loss was supplied. */
    MEAN_LOSS("meanLoss", false, GroupMetrics::meanLoss);

    private final String key;
    private final boolean higherIsBetter;
    private final ToDoubleFunction<GroupMetrics> reader;

    GroupMetric(String key, boolean higherIsBetter, ToDoubleFunction<GroupMetrics> reader) {
        this.key = key;
        this.higherIsBetter = higherIsBetter;
        this.reader = reader;
    }

    /**
     * Returns the key of this metric in JSON, CSV and metric histories, e.g. {@code
     * worstGroupAccuracy}.
     *
     * @return the key
     */
    public String key() {
        return key;
    }

    /**
     * Returns whether a larger value is better (true for accuracies, false for the gap and the
     * loss).
     *
     * @return the direction of improvement
     */
    public boolean higherIsBetter() {
        return higherIsBetter;
    }

    /**
     * Reads this metric from a result.
     *
     * @param metrics the result
     * @return the value; {@code NaN} where undefined
     */
    public double of(GroupMetrics metrics) {
        return reader.applyAsDouble(metrics);
    }

    /**
     * Returns the metric with the given key.
     *
     * @param key a key as returned by {@link #key()}
     * @return the metric
     * @throws IllegalArgumentException if no metric has that key
     */
    public static GroupMetric fromKey(String key) {
        for (GroupMetric metric : values()) {
            if (metric.key.equals(key)) {
                return metric;
            }
        }
        throw new IllegalArgumentException("unknown group metric key: " + key);
    }
}
