package dev.debias.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import dev.debias.data.GroupSpec;
import dev.debias.data.GroupedLabels;
import dev.debias.ndarray.Scalars;

import java.util.Arrays;

/**
 * Accumulates per-group and per-class counts of samples and correct predictions over batches and
 * turns them into a {@link GroupMetrics}.
 *
 * <p>{@link #update(NDArray, NDList)} reads the class label {@code y} and the group id {@code g}
 * from the label columns of {@link GroupedLabels}. Correctness, the per-group and per-class counts
 * and the range checks are computed natively (argmax over the classes, one-hot of {@code g} and
 * {@code y} times correctness, summed over the batch); the host receives one small vector per
 * batch, of length {@code 2 (G + 1) + 2 K + 6}. Temporaries live on a sub-manager that is closed
 * before {@code update} returns, so nothing accumulates on the caller's managers.
 *
 * <p>Samples with group {@code -1} (unknown attribute) count toward {@link
 * GroupMetrics#averageAccuracy()} and their class, never toward a group.
 *
 * <p>Instances are not thread-safe.
 */
public final class GroupMetricsAccumulator {

    private static final int RANGE_FIELDS = 6;

    private final GroupSpec spec;
    private final long[] classOfGroup;
    private final long[] groupCounts;
    private final long[] groupCorrect;
    private final long[] classCounts;
    private final long[] classCorrect;
    private long unknownCount;
    private long unknownCorrect;
    private double lossSum;
    private long lossCount;

    /**
     * Creates an empty accumulator for the groups of {@code spec}.
     *
     * @param spec the group layout
     */
    public GroupMetricsAccumulator(GroupSpec spec) {
        this.spec = spec;
        int groups = spec.numGroups();
        this.classOfGroup = new long[groups + 1];
        for (int g = 0; g < groups; g++) {
            classOfGroup[g] = spec.classOf(g);
        }
        classOfGroup[groups] = -1;
        this.groupCounts = new long[groups];
        this.groupCorrect = new long[groups];
        this.classCounts = new long[spec.numClasses()];
        this.classCorrect = new long[spec.numClasses()];
    }

    /**
     * Computes metrics from host arrays of labels, group ids and predicted classes.
     *
     * @param spec the group layout
     * @param labels class label {@code y} per sample, in {@code [0, K)}
     * @param groups group id per sample, in {@code [0, G)} or {@code -1} for unknown
     * @param predictions predicted class per sample
     * @return the metrics
     * @throws IllegalArgumentException if the arrays differ in length, a value is out of range,
     *     or a group does not belong to its sample's class
     */
    public static GroupMetrics of(
            GroupSpec spec, int[] labels, int[] groups, int[] predictions) {
        if (labels.length != groups.length || labels.length != predictions.length) {
            throw new IllegalArgumentException(
                    "labels, groups and predictions differ in length: "
                            + labels.length
                            + ", "
                            + groups.length
                            + ", "
                            + predictions.length);
        }
        GroupMetricsAccumulator acc = new GroupMetricsAccumulator(spec);
        for (int i = 0; i < labels.length; i++) {
            int y = labels[i];
            int g = groups[i];
            acc.checkLabel(y, "sample " + i);
            acc.checkGroup(g, "sample " + i);
            if (g >= 0 && spec.classOf(g) != y) {
                throw new IllegalArgumentException(
                        "sample " + i + ": group " + g + " belongs to class " + spec.classOf(g)
                                + ", but the label is " + y);
            }
            long correct = predictions[i] == y ? 1 : 0;
            acc.classCounts[y]++;
            acc.classCorrect[y] += correct;
            if (g < 0) {
                acc.unknownCount++;
                acc.unknownCorrect += correct;
            } else {
                acc.groupCounts[g]++;
                acc.groupCorrect[g] += correct;
            }
        }
        return acc.result();
    }

    /**
     * Returns the group layout.
     *
     * @return the spec
     */
    public GroupSpec groupSpec() {
        return spec;
    }

    /**
     * Adds a batch.
     *
     * @param predictions logits or scores {@code [B, K']} (the predicted class is the argmax over
     *     axis 1), or predicted class ids {@code [B]}
     * @param labels the label columns; {@link GroupedLabels#LABEL} and {@link
     *     GroupedLabels#GROUP} are read, further columns are ignored
     * @throws IllegalArgumentException if the group column is missing, sizes disagree, a label or
     *     group id is out of range, a group does not belong to its sample's class, or the
     *     predictions contain NaN
     */
    public void update(NDArray predictions, NDList labels) {
        add(predictions, labels, null);
    }

    /**
     * Adds a batch together with its mean loss; {@link GroupMetrics#meanLoss()} is then the
     * sample-weighted mean of the batch losses, provided every batch came with one.
     *
     * @param predictions logits or scores {@code [B, K']}, or predicted class ids {@code [B]}
     * @param labels the label columns
     * @param batchMeanLoss the loss of the batch as a scalar (one element), a mean over its samples
     * @throws IllegalArgumentException as {@link #update(NDArray, NDList)}, or if the loss is not
     *     a single value
     */
    public void update(NDArray predictions, NDList labels, NDArray batchMeanLoss) {
        if (batchMeanLoss.size() != 1) {
            throw new IllegalArgumentException(
                    "the batch loss must be a single value, got shape " + batchMeanLoss.getShape());
        }
        add(predictions, labels, batchMeanLoss);
    }

    /**
     * Returns the number of samples added since creation or the last {@link #reset()}.
     *
     * @return the sample count
     */
    public long count() {
        long total = unknownCount;
        for (long n : groupCounts) {
            total += n;
        }
        return total;
    }

    /**
     * Adds everything another accumulator over the same groups has counted.
     *
     * @param other the other accumulator; left unchanged
     * @throws IllegalArgumentException if the two have different group layouts
     */
    void merge(GroupMetricsAccumulator other) {
        if (!spec.equals(other.spec)) {
            throw new IllegalArgumentException(
                    "cannot merge metrics of different group layouts: "
                            + spec
                            + " vs "
                            + other.spec);
        }
        for (int k = 0; k < groupCounts.length; k++) {
            groupCounts[k] += other.groupCounts[k];
            groupCorrect[k] += other.groupCorrect[k];
        }
        for (int c = 0; c < classCounts.length; c++) {
            classCounts[c] += other.classCounts[c];
            classCorrect[c] += other.classCorrect[c];
        }
        unknownCount += other.unknownCount;
        unknownCorrect += other.unknownCorrect;
        lossSum += other.lossSum;
        lossCount += other.lossCount;
    }

    /** Forgets every batch added so far. */
    public void reset() {
        Arrays.fill(groupCounts, 0);
        Arrays.fill(groupCorrect, 0);
        Arrays.fill(classCounts, 0);
        Arrays.fill(classCorrect, 0);
        unknownCount = 0;
        unknownCorrect = 0;
        lossSum = 0;
        lossCount = 0;
    }

    /**
     * Returns the metrics of everything added so far.
     *
     * @return the immutable metrics; the accumulator stays usable
     */
    public GroupMetrics result() {
        long total = count();
        double meanLoss = lossCount > 0 && lossCount == total ? lossSum / total : Double.NaN;
        return GroupMetrics.builder(spec)
                .setGroupCounts(groupCounts, groupCorrect)
                .optUnknownGroup(unknownCount, unknownCorrect)
                .optClassCounts(classCounts, classCorrect)
                .optMeanLoss(meanLoss)
                .build();
    }

    private void add(NDArray predictions, NDList labels, NDArray loss) {
        Shape shape = predictions.getShape();
        if (shape.dimension() != 1 && shape.dimension() != 2) {
            throw new IllegalArgumentException(
                    "predictions must be logits [B, K] or class ids [B], got shape " + shape);
        }
        if (labels.size() <= GroupedLabels.GROUP) {
            throw new IllegalArgumentException(
                    "labels hold "
                            + labels.size()
                            + " column(s); the group id column "
                            + GroupedLabels.GROUP
                            + " is missing (labels must be [y, g, ...], see GroupedLabels)");
        }
        long batchSize = shape.get(0);
        NDArray y = labels.get(GroupedLabels.LABEL);
        NDArray g = labels.get(GroupedLabels.GROUP);
        if (y.size() != batchSize || g.size() != batchSize) {
            throw new IllegalArgumentException(
                    "batch sizes disagree: predictions "
                            + shape
                            + ", labels (column "
                            + GroupedLabels.LABEL
                            + ") "
                            + y.getShape()
                            + ", groups (column "
                            + GroupedLabels.GROUP
                            + ") "
                            + g.getShape());
        }
        if (batchSize == 0) {
            return;
        }
        double[] stats = countNatively(predictions, y, g, loss);
        addCounts(stats, batchSize, loss != null);
    }

    /**
     * Computes on the predictions' device: per-group totals and correct counts (the last of the
     * {@code G + 1} bins holds unknown groups), per-class totals and correct counts, the minimum
     * and maximum label and group id, the number of group/label mismatches and of NaN
     * predictions, and the loss; returns them in one host copy.
     */
    private double[] countNatively(
            NDArray predictions, NDArray yColumn, NDArray gColumn, NDArray loss) {
        int groups = spec.numGroups();
        int classes = spec.numClasses();
        long batchSize = predictions.getShape().get(0);
        try (NDManager scope = NDManager.subManagerOf(predictions)) {
            if (loss == null) {
                scope.tempAttachAll(predictions, yColumn, gColumn);
            } else {
                scope.tempAttachAll(predictions, yColumn, gColumn, loss);
            }
            NDArray y = yColumn.reshape(batchSize).toType(DataType.INT64, false);
            NDArray g = gColumn.reshape(batchSize).toType(DataType.INT64, false);
            NDArray predicted;
            NDArray nanCount;
            if (predictions.getDataType().isFloating()) {
                nanCount = predictions.isNaN().countNonzero().reshape(1);
            } else {
                nanCount = scope.zeros(new Shape(1), DataType.INT64);
            }
            if (predictions.getShape().dimension() == 2) {
                predicted = predictions.argMax(1);
            } else {
                predicted = predictions.toType(DataType.INT64, false);
            }
            NDArray correct = predicted.eq(y).toType(DataType.INT64, false).expandDims(1);

            NDArray clipped = g.clip(-1, groups - 1);
            NDArray bins = clipped.add(Scalars.mul(clipped.lt(0).toType(DataType.INT64, false), groups + 1));
            NDArray groupHot = bins.oneHot(groups + 1, DataType.INT64);
            NDArray groupTotal = groupHot.sum(new int[] {0});
            NDArray groupRight = groupHot.mul(correct).sum(new int[] {0});

            NDArray labelsInRange = y.clip(0, classes - 1);
            NDArray classHot = labelsInRange.oneHot(classes, DataType.INT64);
            NDArray classTotal = classHot.sum(new int[] {0});
            NDArray classRight = classHot.mul(correct).sum(new int[] {0});

            NDArray groupClass = scope.create(classOfGroup).get(new NDIndex("{}", bins));
            NDArray mismatches =
                    groupClass.neq(labelsInRange).logicalAnd(bins.lt(groups)).countNonzero();

            NDList parts =
                    new NDList(
                            groupTotal,
                            groupRight,
                            classTotal,
                            classRight,
                            g.min().reshape(1),
                            g.max().reshape(1),
                            y.min().reshape(1),
                            y.max().reshape(1),
                            mismatches.toType(DataType.INT64, false).reshape(1),
                            nanCount.toType(DataType.INT64, false));
            NDArray stats = NDArrays.concat(parts).toType(DataType.FLOAT64, false);
            if (loss != null) {
                stats = stats.concat(loss.toType(DataType.FLOAT64, false).reshape(1));
            }
            return stats.toDoubleArray();
        }
    }

    private void addCounts(double[] stats, long batchSize, boolean hasLoss) {
        int groups = spec.numGroups();
        int classes = spec.numClasses();
        int range = 2 * (groups + 1) + 2 * classes;
        long minGroup = (long) stats[range];
        long maxGroup = (long) stats[range + 1];
        long minLabel = (long) stats[range + 2];
        long maxLabel = (long) stats[range + 3];
        long mismatches = (long) stats[range + 4];
        long nans = (long) stats[range + 5];
        checkLabel(minLabel, "batch");
        checkLabel(maxLabel, "batch");
        checkGroup(minGroup, "batch");
        checkGroup(maxGroup, "batch");
        if (mismatches > 0) {
            throw new IllegalArgumentException(
                    "batch: "
                            + mismatches
                            + " sample(s) have a group id (column "
                            + GroupedLabels.GROUP
                            + ") that does not belong to their class label (column "
                            + GroupedLabels.LABEL
                            + "); expected g = y * "
                            + spec.numAttributes()
                            + " + a");
        }
        if (nans > 0) {
            throw new IllegalArgumentException(
                    "batch: the predictions of " + nans + " value(s) are NaN");
        }
        for (int k = 0; k < groups; k++) {
            groupCounts[k] += (long) stats[k];
            groupCorrect[k] += (long) stats[groups + 1 + k];
        }
        unknownCount += (long) stats[groups];
        unknownCorrect += (long) stats[2 * groups + 1];
        int offset = 2 * (groups + 1);
        for (int c = 0; c < classes; c++) {
            classCounts[c] += (long) stats[offset + c];
            classCorrect[c] += (long) stats[offset + classes + c];
        }
        if (hasLoss) {
            lossSum += stats[range + RANGE_FIELDS] * batchSize;
            lossCount += batchSize;
        }
    }

    private void checkLabel(long label, String where) {
        if (label < 0 || label >= spec.numClasses()) {
            throw new IllegalArgumentException(
                    where
                            + ": class label "
                            + label
                            + " (column "
                            + GroupedLabels.LABEL
                            + ") outside [0, "
                            + spec.numClasses()
                            + ")");
        }
    }

    private void checkGroup(long group, String where) {
        if (group < GroupedLabels.UNKNOWN_GROUP || group >= spec.numGroups()) {
            throw new IllegalArgumentException(
                    where
                            + ": group id "
                            + group
                            + " (column "
                            + GroupedLabels.GROUP
                            + ") outside [-1, "
                            + spec.numGroups()
                            + ") of a GroupSpec with "
                            + spec.numGroups()
                            + " groups");
        }
    }
}
