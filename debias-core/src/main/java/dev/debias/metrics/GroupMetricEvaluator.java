package dev.debias.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.evaluator.Evaluator;

import dev.debias.data.GroupSpec;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A DJL {@link Evaluator} that reports one {@link GroupMetric} of the predictions, so group-wise
 * accuracy shows up in DJL's training listeners (as {@code train_<name>} and {@code
 * validate_<name>}) and in {@code Trainer.getTrainingResult()}.
 *
 * <p>As in DJL's {@code AbstractAccuracy}, each accumulator key (DJL uses {@code train/epoch},
 * {@code train/progress}, {@code train/all}, {@code validate/epoch}) holds its own tally: here a
 * {@link GroupMetricsAccumulator} with per-group and per-class counts of samples and correct
 * predictions. A batch is counted once per {@link #updateAccumulators(String[], NDList, NDList)}
 * call, whatever the number of keys. Predictions are read from {@code predictions.head()}
 * (logits {@code [B, K]} or class ids {@code [B]}); labels must hold the group column of {@link
 * dev.debias.data.GroupedLabels}.
 */
public class GroupMetricEvaluator extends Evaluator {

    private final GroupSpec spec;
    private final GroupMetric metric;
    private final Map<String, GroupMetricsAccumulator> accumulators = new ConcurrentHashMap<>();

    /**
     * Creates an evaluator of one metric.
     *
     * @param name the evaluator name shown by DJL's listeners
     * @param spec the group layout of the evaluated data
     * @param metric the metric to report; not {@link GroupMetric#MEAN_LOSS}, which needs a loss
     * @throws IllegalArgumentException if the metric is {@link GroupMetric#MEAN_LOSS}
     */
    public GroupMetricEvaluator(String name, GroupSpec spec, GroupMetric metric) {
        super(name);
        if (metric == GroupMetric.MEAN_LOSS) {
            throw new IllegalArgumentException(
                    "an evaluator has no loss; use DJL's loss reporting for the mean loss");
        }
        this.spec = spec;
        this.metric = metric;
    }

    /**
     * Returns the metric this evaluator reports.
     *
     * @return the metric
     */
    public GroupMetric getMetric() {
        return metric;
    }

    /**
     * Returns the group layout this evaluator counts with.
     *
     * @return the spec
     */
    public GroupSpec getGroupSpec() {
        return spec;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Returns the metric of this batch alone as a float32 scalar on the labels' manager
     * ({@code NaN} where undefined for the batch, e.g. no conflicting group in it).
     */
    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        GroupMetricsAccumulator batch = new GroupMetricsAccumulator(spec);
        batch.update(predictions.head(), labels);
        float value = (float) metric.of(batch.result());
        return labels.head().getManager().create(value);
    }

    /** {@inheritDoc} */
    @Override
    public void addAccumulator(String key) {
        accumulators.put(key, new GroupMetricsAccumulator(spec));
    }

    /** {@inheritDoc} */
    @Override
    public void updateAccumulator(String key, NDList labels, NDList predictions) {
        updateAccumulators(new String[] {key}, labels, predictions);
    }

    /**
     * {@inheritDoc}
     *
     * <p>The batch is counted once (one small host copy) and added to every key.
     */
    @Override
    public void updateAccumulators(String[] keys, NDList labels, NDList predictions) {
        GroupMetricsAccumulator batch = new GroupMetricsAccumulator(spec);
        batch.update(predictions.head(), labels);
        for (String key : keys) {
            GroupMetricsAccumulator acc =
                    accumulators.computeIfAbsent(key, k -> new GroupMetricsAccumulator(spec));
            synchronized (acc) {
                acc.merge(batch);
            }
        }
    }

    /** {@inheritDoc} */
    @Override
    public void resetAccumulator(String key) {
        GroupMetricsAccumulator acc =
                accumulators.computeIfAbsent(key, k -> new GroupMetricsAccumulator(spec));
        synchronized (acc) {
            acc.reset();
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Returns the metric over everything accumulated under {@code key}, or {@code NaN} if the
     * key is unknown, empty, or the metric undefined for its data.
     */
    @Override
    public float getAccumulator(String key) {
        GroupMetricsAccumulator acc = accumulators.get(key);
        if (acc == null) {
            return Float.NaN;
        }
        synchronized (acc) {
            return (float) metric.of(acc.result());
        }
    }

    /**
     * Returns every group metric of what has been accumulated under {@code key}.
     *
     * @param key the accumulator key, e.g. {@code validate/epoch}
     * @return the metrics (all {@code NaN} if nothing was accumulated)
     */
    public GroupMetrics getMetrics(String key) {
        GroupMetricsAccumulator acc = accumulators.get(key);
        if (acc == null) {
            return new GroupMetricsAccumulator(spec).result();
        }
        synchronized (acc) {
            return acc.result();
        }
    }
}
