package dev.debias.metrics;

import dev.debias.data.GroupSpec;

/**
 * A DJL evaluator of the worst-group accuracy ({@link GroupMetrics#worstGroupAccuracy()}): the
 * lowest accuracy over the non-empty groups seen under an accumulator key. Shown by DJL's
 * listeners as {@code validate_WorstGroupAccuracy} under its default name.
 */
public final class WorstGroupAccuracy extends GroupMetricEvaluator {

    /**
     * Creates the evaluator with the name {@code WorstGroupAccuracy}.
     *
     * @param spec the group layout of the evaluated data
     */
    public WorstGroupAccuracy(GroupSpec spec) {
        this("WorstGroupAccuracy", spec);
    }

    /**
     * Creates the evaluator with a name of its own.
     *
     * @param name the name shown by DJL's listeners
     * @param spec the group layout of the evaluated data
     */
    public WorstGroupAccuracy(String name, GroupSpec spec) {
        super(name, spec, GroupMetric.WORST_GROUP_ACCURACY);
    }
}
