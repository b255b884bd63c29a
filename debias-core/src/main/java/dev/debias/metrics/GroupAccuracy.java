package dev.debias.metrics;

import dev.debias.data.GroupSpec;

/**
 * A DJL evaluator of the unbiased accuracy ({@link GroupMetrics#unbiasedAccuracy()}): the mean of
 * the per-group accuracies over the non-empty groups seen under an accumulator key. Shown by DJL's
 * listeners as {@code validate_GroupAccuracy} under its default name.
 */
public final class GroupAccuracy extends GroupMetricEvaluator {

    /**
     * Creates the evaluator with the name {@code GroupAccuracy}.
     *
     * @param spec the group layout of the evaluated data
     */
    public GroupAccuracy(GroupSpec spec) {
        this("GroupAccuracy", spec);
    }

    /**
     * Creates the evaluator with a name of its own.
     *
     * @param name the name shown by DJL's listeners
     * @param spec the group layout of the evaluated data
     */
    public GroupAccuracy(String name, GroupSpec spec) {
        super(name, spec, GroupMetric.UNBIASED_ACCURACY);
    }
}
