package dev.debias.metrics;

import dev.debias.data.GroupSpec;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The immutable result of evaluating a classifier on grouped data: per-group and per-class counts
 * of samples and of correct predictions, and the summary accuracies derived from them.
 *
 * <p>Notation used by every definition below: {@code G = K * A} groups of the {@link GroupSpec};
 * {@code n_g} samples of group {@code g} of which {@code c_g} are predicted correctly; {@code n_u}
 * samples with an unknown group ({@code g = -1}, bias attribute unknown) of which {@code c_u} are
 * correct; {@code N = Σ_g n_g + n_u}; {@code acc_g = c_g / n_g}; {@code S = {g : n_g > 0}} the
 * non-empty groups; {@code N_y}, {@code C_y} the samples and correct predictions of class {@code
 * y}, counted over all samples including those with an unknown group. A group with no sample has
 * no accuracy and never enters a mean, minimum or maximum (ALGORITHMS.md §15 A1). A number whose
 * defining set is empty is {@code NaN} (reported as JSON {@code null}).
 *
 * <p>Which paper reports which number is listed in {@code docs/metrics.md}.
 */
public final class GroupMetrics {

    private final GroupSpec spec;
    private final long[] groupCounts;
    private final long[] groupCorrect;
    private final long unknownCount;
    private final long unknownCorrect;
    private final long[] classCounts;
    private final long[] classCorrect;
    private final double meanLoss;

    private final long count;
    private final double averageAccuracy;
    private final int worstGroup;
    private final int bestGroup;
    private final double unbiasedAccuracy;
    private final double alignedAccuracy;
    private final double conflictingAccuracy;
    private final double adjustedAccuracy;
    private final double balancedAccuracy;
    private final int worstClass;

    private GroupMetrics(Builder builder, long[] classCounts, long[] classCorrect) {
        this.spec = builder.spec;
        this.groupCounts = builder.groupCounts.clone();
        this.groupCorrect = builder.groupCorrect.clone();
        this.unknownCount = builder.unknownCount;
        this.unknownCorrect = builder.unknownCorrect;
        this.classCounts = classCounts.clone();
        this.classCorrect = classCorrect.clone();
        this.meanLoss = builder.meanLoss;

        long correct = unknownCorrect;
        long total = unknownCount;
        for (int g = 0; g < groupCounts.length; g++) {
            correct += groupCorrect[g];
            total += groupCounts[g];
        }
        this.count = total;
        this.averageAccuracy = ratio(correct, total);

        int worst = -1;
        int best = -1;
        double sum = 0;
        int nonEmpty = 0;
        double alignedSum = 0;
        int alignedGroups = 0;
        double conflictingSum = 0;
        int conflictingGroups = 0;
        double weightedSum = 0;
        long weightTotal = 0;
        for (int g = 0; g < groupCounts.length; g++) {
            if (groupCounts[g] == 0) {
                continue;
            }
            double acc = groupAccuracy(g);
            if (worst < 0 || acc < groupAccuracy(worst)) {
                worst = g;
            }
            if (best < 0 || acc > groupAccuracy(best)) {
                best = g;
            }
            sum += acc;
            nonEmpty++;
            if (spec.isAligned(g)) {
                alignedSum += acc;
                alignedGroups++;
            } else if (spec.isConflicting(g)) {
                conflictingSum += acc;
                conflictingGroups++;
            }
            long trainCount = spec.groupCount(g);
            weightedSum += trainCount * acc;
            weightTotal += trainCount;
        }
        this.worstGroup = worst;
        this.bestGroup = best;
        this.unbiasedAccuracy = nonEmpty == 0 ? Double.NaN : sum / nonEmpty;
        this.alignedAccuracy = alignedGroups == 0 ? Double.NaN : alignedSum / alignedGroups;
        this.conflictingAccuracy =
                conflictingGroups == 0 ? Double.NaN : conflictingSum / conflictingGroups;
        this.adjustedAccuracy = weightTotal == 0 ? Double.NaN : weightedSum / weightTotal;

        int worstC = -1;
        double classSum = 0;
        int nonEmptyClasses = 0;
        for (int y = 0; y < classCounts.length; y++) {
            if (classCounts[y] == 0) {
                continue;
            }
            double acc = classAccuracy(y);
            if (worstC < 0 || acc < classAccuracy(worstC)) {
                worstC = y;
            }
            classSum += acc;
            nonEmptyClasses++;
        }
        this.worstClass = worstC;
        this.balancedAccuracy = nonEmptyClasses == 0 ? Double.NaN : classSum / nonEmptyClasses;
    }

    /**
     * Returns a builder for metrics over the groups of {@code spec}.
     *
     * @param spec the group layout; its training counts weight {@link #adjustedAccuracy()} and its
     *     alignment defines {@link #alignedAccuracy()} and {@link #conflictingAccuracy()}
     * @return the builder
     */
    public static Builder builder(GroupSpec spec) {
        return new Builder(spec);
    }

    private static double ratio(long numerator, long denominator) {
        return denominator == 0 ? Double.NaN : (double) numerator / denominator;
    }

    /**
     * Returns the group layout these metrics refer to.
     *
     * @return the spec
     */
    public GroupSpec groupSpec() {
        return spec;
    }

    /**
     * Returns the number of evaluated samples {@code N}, including those with an unknown group.
     *
     * @return the sample count
     */
    public long count() {
        return count;
    }

    /**
     * Returns the number of correctly predicted samples, including those with an unknown group.
     *
     * @return the number of correct predictions
     */
    public long correct() {
        long correct = unknownCorrect;
        for (long c : groupCorrect) {
            correct += c;
        }
        return correct;
    }

    /**
     * Returns the number of samples whose group is unknown ({@code n_u}).
     *
     * @return the count
     */
    public long unknownGroupCount() {
        return unknownCount;
    }

    /**
     * Returns the number of correctly predicted samples whose group is unknown ({@code c_u}).
     *
     * @return the count
     */
    public long unknownGroupCorrect() {
        return unknownCorrect;
    }

    /**
     * Returns the number of samples of a group ({@code n_g}).
     *
     * @param group the group id
     * @return its sample count
     * @throws IndexOutOfBoundsException if the group id is outside {@code [0, G)}
     */
    public long groupCount(int group) {
        return groupCounts[group];
    }

    /**
     * Returns the number of correctly predicted samples of a group ({@code c_g}).
     *
     * @param group the group id
     * @return its correct count
     * @throws IndexOutOfBoundsException if the group id is outside {@code [0, G)}
     */
    public long groupCorrect(int group) {
        return groupCorrect[group];
    }

    /**
     * Returns the accuracy of a group, {@code acc_g = c_g / n_g}.
     *
     * @param group the group id
     * @return its accuracy in {@code [0, 1]}, or {@code NaN} if the group is empty
     * @throws IndexOutOfBoundsException if the group id is outside {@code [0, G)}
     */
    public double groupAccuracy(int group) {
        return ratio(groupCorrect[group], groupCounts[group]);
    }

    /**
     * Returns the sample count of every group.
     *
     * @return a copy, indexed by group id
     */
    public long[] groupCounts() {
        return groupCounts.clone();
    }

    /**
     * Returns the accuracy of every group ({@code NaN} for empty groups).
     *
     * @return a new array, indexed by group id
     */
    public double[] groupAccuracies() {
        double[] acc = new double[groupCounts.length];
        for (int g = 0; g < acc.length; g++) {
            acc[g] = groupAccuracy(g);
        }
        return acc;
    }

    /**
     * Returns the number of samples of a class ({@code N_y}), including samples with an unknown
     * group.
     *
     * @param label the class label
     * @return its sample count
     * @throws IndexOutOfBoundsException if the label is outside {@code [0, K)}
     */
    public long classCount(int label) {
        return classCounts[label];
    }

    /**
     * Returns the number of correctly predicted samples of a class ({@code C_y}), including
     * samples with an unknown group.
     *
     * @param label the class label
     * @return its correct count
     * @throws IndexOutOfBoundsException if the label is outside {@code [0, K)}
     */
    public long classCorrect(int label) {
        return classCorrect[label];
    }

    /**
     * Returns the accuracy of a class, {@code C_y / N_y}, over all its samples including those with
     * an unknown group.
     *
     * @param label the class label
     * @return its accuracy, or {@code NaN} if the class has no sample
     * @throws IndexOutOfBoundsException if the label is outside {@code [0, K)}
     */
    public double classAccuracy(int label) {
        return ratio(classCorrect[label], classCounts[label]);
    }

    /**
     * Returns the plain sample accuracy over all samples, those with an unknown group included:
     * {@code (Σ_g c_g + c_u) / N}. This is DisEnt's accuracy, DCWP's headline number and JTT's
     * "average accuracy".
     *
     * @return the accuracy, or {@code NaN} if {@code N = 0}
     */
    public double averageAccuracy() {
        return averageAccuracy;
    }

    /**
     * Returns the worst-group accuracy {@code min_{g ∈ S} acc_g} (Group DRO, JTT; the default
     * model-selection criterion).
     *
     * @return the accuracy, or {@code NaN} if every group is empty
     */
    public double worstGroupAccuracy() {
        return worstGroup < 0 ? Double.NaN : groupAccuracy(worstGroup);
    }

    /**
     * Returns the non-empty group with the lowest accuracy (the lowest id among ties).
     *
     * @return the group id, or {@code -1} if every group is empty
     */
    public int worstGroup() {
        return worstGroup;
    }

    /**
     * Returns the best-group accuracy {@code max_{g ∈ S} acc_g}.
     *
     * @return the accuracy, or {@code NaN} if every group is empty
     */
    public double bestGroupAccuracy() {
        return bestGroup < 0 ? Double.NaN : groupAccuracy(bestGroup);
    }

    /**
     * Returns the non-empty group with the highest accuracy (the lowest id among ties).
     *
     * @return the group id, or {@code -1} if every group is empty
     */
    public int bestGroup() {
        return bestGroup;
    }

    /**
     * Returns the unbiased accuracy {@code (1/|S|) Σ_{g ∈ S} acc_g}, the unweighted mean of the
     * group accuracies over non-empty groups. With {@code g = y * A + a} this is LfF's mean over
     * the non-empty cells of the accuracy matrix {@code Acc[y, a]}. Samples with an unknown group
     * do not enter it.
     *
     * @return the accuracy, or {@code NaN} if every group is empty
     */
    public double unbiasedAccuracy() {
        return unbiasedAccuracy;
    }

    /**
     * Returns the bias-aligned accuracy: the unweighted mean of {@code acc_g} over the non-empty
     * groups that {@link GroupSpec#isAligned(int)} marks as aligned. Alignment comes from the spec
     * (per class, the attribute that dominates it in training), not from the diagonal {@code a ==
     * y} (ALGORITHMS.md §15 E2).
     *
     * @return the accuracy, or {@code NaN} if no aligned group is non-empty
     */
    public double alignedAccuracy() {
        return alignedAccuracy;
    }

    /**
     * Returns the bias-conflicting accuracy: the unweighted mean of {@code acc_g} over the
     * non-empty groups that {@link GroupSpec#isConflicting(int)} marks as conflicting.
     *
     * @return the accuracy, or {@code NaN} if no conflicting group is non-empty
     */
    public double conflictingAccuracy() {
        return conflictingAccuracy;
    }

    /**
     * Returns the gap {@link #alignedAccuracy()} − {@link #conflictingAccuracy()}: how much better
     * the model does where the bias helps it.
     *
     * @return the gap in {@code [-1, 1]}, or {@code NaN} if either side is undefined
     */
    public double gap() {
        return alignedAccuracy - conflictingAccuracy;
    }

    /**
     * Returns CAMEL's subgroup gap (Goel et al., "Model Patching", ICLR 2021; the paper's exact
     * definition was not retrieved, see ALGORITHMS.md §6.7): per class, the best minus the worst
     * accuracy of its non-empty groups, and the largest of these over the classes.
     *
     * @return the gap in {@code [0, 1]}, or {@code NaN} if no class has a non-empty group
     */
    public double subgroupGap() {
        double gap = Double.NaN;
        for (int c = 0; c < spec.numClasses(); c++) {
            double best = Double.NaN;
            double worst = Double.NaN;
            for (int a = 0; a < spec.numAttributes(); a++) {
                double acc = groupAccuracy(spec.groupOf(c, a));
                if (!Double.isNaN(acc)) {
                    best = Double.isNaN(best) ? acc : Math.max(best, acc);
                    worst = Double.isNaN(worst) ? acc : Math.min(worst, acc);
                }
            }
            if (!Double.isNaN(best)) {
                gap = Double.isNaN(gap) ? best - worst : Math.max(gap, best - worst);
            }
        }
        return gap;
    }

    /**
     * Returns the adjusted (training-distribution-weighted) accuracy {@code Σ_{g ∈ S} m_g acc_g /
     * Σ_{g ∈ S} m_g}, where {@code m_g} is the training count of group {@code g} from the {@link
     * GroupSpec}. When every group is non-empty this is Group DRO's "average accuracy" for
     * Waterbirds, {@code Σ_g (m_g / M) acc_g}; groups empty here are left out and the weights of
     * the others renormalised.
     *
     * @return the accuracy, or {@code NaN} if the spec has no training count for any non-empty
     *     group
     */
    public double adjustedAccuracy() {
        return adjustedAccuracy;
    }

    /**
     * Returns the balanced accuracy: the unweighted mean of the class accuracies {@code C_y / N_y}
     * over classes with at least one sample.
     *
     * @return the accuracy, or {@code NaN} if there is no sample
     */
    public double balancedAccuracy() {
        return balancedAccuracy;
    }

    /**
     * Returns the worst-class accuracy {@code min_y C_y / N_y} over classes with at least one
     * sample (the selection criterion when attributes are unknown).
     *
     * @return the accuracy, or {@code NaN} if there is no sample
     */
    public double worstClassAccuracy() {
        return worstClass < 0 ? Double.NaN : classAccuracy(worstClass);
    }

    /**
     * Returns the class with the lowest accuracy (the lowest label among ties).
     *
     * @return the class label, or {@code -1} if there is no sample
     */
    public int worstClass() {
        return worstClass;
    }

    /**
     * Returns the mean loss per sample over the evaluated data, if a loss was supplied.
     *
     * @return the mean loss, or {@code NaN} if none was supplied
     */
    public double meanLoss() {
        return meanLoss;
    }

    /**
     * Returns the value of one summary metric.
     *
     * @param metric the metric
     * @return its value, {@code NaN} where undefined
     */
    public double get(GroupMetric metric) {
        return metric.of(this);
    }

    /**
     * Returns every summary metric by its key, in the order of {@link GroupMetric}.
     *
     * @return an unmodifiable map from {@link GroupMetric#key()} to value ({@code NaN} where
     *     undefined)
     */
    public Map<String, Double> summary() {
        Map<String, Double> map = new LinkedHashMap<>();
        for (GroupMetric metric : GroupMetric.values()) {
            map.put(metric.key(), metric.of(this));
        }
        return Collections.unmodifiableMap(map);
    }

    /** {@inheritDoc} */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof GroupMetrics)) {
            return false;
        }
        GroupMetrics other = (GroupMetrics) o;
        return spec.equals(other.spec)
                && Arrays.equals(groupCounts, other.groupCounts)
                && Arrays.equals(groupCorrect, other.groupCorrect)
                && unknownCount == other.unknownCount
                && unknownCorrect == other.unknownCorrect
                && Arrays.equals(classCounts, other.classCounts)
                && Arrays.equals(classCorrect, other.classCorrect)
                && Double.compare(meanLoss, other.meanLoss) == 0;
    }

    /** {@inheritDoc} */
    @Override
    public int hashCode() {
        return Objects.hash(
                spec,
                Arrays.hashCode(groupCounts),
                Arrays.hashCode(groupCorrect),
                unknownCount,
                unknownCorrect,
                Arrays.hashCode(classCounts),
                Arrays.hashCode(classCorrect),
                meanLoss);
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return "GroupMetrics{n="
                + count
                + ", average="
                + averageAccuracy
                + ", worstGroup="
                + worstGroupAccuracy()
                + ", unbiased="
                + unbiasedAccuracy
                + ", aligned="
                + alignedAccuracy
                + ", conflicting="
                + conflictingAccuracy
                + ", adjusted="
                + adjustedAccuracy
                + '}';
    }

    /**
     * Builds a {@link GroupMetrics} from counts. The builder checks that the counts are
     * consistent: non-negative, no more correct than total, and (when class counts are given)
     * classes that hold at least their groups' samples and together hold every sample.
     */
    public static final class Builder {

        private final GroupSpec spec;
        private long[] groupCounts;
        private long[] groupCorrect;
        private long unknownCount;
        private long unknownCorrect;
        private long[] classCounts;
        private long[] classCorrect;
        private double meanLoss = Double.NaN;

        Builder(GroupSpec spec) {
            this.spec = Objects.requireNonNull(spec, "spec");
        }

        /**
         * Sets the number of samples and of correct predictions of every group.
         *
         * @param counts {@code G} sample counts {@code n_g}
         * @param correct {@code G} correct counts {@code c_g}
         * @return this builder
         */
        public Builder setGroupCounts(long[] counts, long[] correct) {
            int groups = spec.numGroups();
            checkPair(counts, correct, groups, "group");
            this.groupCounts = counts.clone();
            this.groupCorrect = correct.clone();
            return this;
        }

        /**
         * Sets the number of samples with an unknown group and how many of them are predicted
         * correctly. Requires {@link #optClassCounts(long[], long[])} when {@code count > 0},
         * because those samples still count towards their class.
         *
         * @param count {@code n_u}
         * @param correct {@code c_u}
         * @return this builder
         */
        public Builder optUnknownGroup(long count, long correct) {
            if (count < 0 || correct < 0 || correct > count) {
                throw new IllegalArgumentException(
                        "unknown-group counts must satisfy 0 <= correct <= count, got correct "
                                + correct
                                + " of "
                                + count);
            }
            this.unknownCount = count;
            this.unknownCorrect = correct;
            return this;
        }

        /**
         * Sets the number of samples and of correct predictions of every class, over all samples
         * including those with an unknown group. Without it, class counts are the sums over each
         * class's groups.
         *
         * @param counts {@code K} sample counts {@code N_y}
         * @param correct {@code K} correct counts {@code C_y}
         * @return this builder
         */
        public Builder optClassCounts(long[] counts, long[] correct) {
            checkPair(counts, correct, spec.numClasses(), "class");
            this.classCounts = counts.clone();
            this.classCorrect = correct.clone();
            return this;
        }

        /**
         * Sets the mean loss per sample.
         *
         * @param loss the mean loss ({@code NaN} for none)
         * @return this builder
         */
        public Builder optMeanLoss(double loss) {
            this.meanLoss = loss;
            return this;
        }

        private static void checkPair(long[] counts, long[] correct, int length, String what) {
            if (counts.length != length || correct.length != length) {
                throw new IllegalArgumentException(
                        "expected "
                                + length
                                + " "
                                + what
                                + " counts and correct counts, got "
                                + counts.length
                                + " and "
                                + correct.length);
            }
            for (int i = 0; i < length; i++) {
                if (counts[i] < 0 || correct[i] < 0 || correct[i] > counts[i]) {
                    throw new IllegalArgumentException(
                            what
                                    + " "
                                    + i
                                    + ": counts must satisfy 0 <= correct <= count, got correct "
                                    + correct[i]
                                    + " of "
                                    + counts[i]);
                }
            }
        }

        /**
         * Builds the metrics.
         *
         * @return the immutable result
         * @throws IllegalArgumentException if group counts are missing or the counts disagree
         */
        public GroupMetrics build() {
            if (groupCounts == null) {
                throw new IllegalArgumentException("group counts are required (setGroupCounts)");
            }
            int numClasses = spec.numClasses();
            long[] perClass = new long[numClasses];
            long[] perClassCorrect = new long[numClasses];
            for (int g = 0; g < groupCounts.length; g++) {
                perClass[spec.classOf(g)] += groupCounts[g];
                perClassCorrect[spec.classOf(g)] += groupCorrect[g];
            }
            if (classCounts == null) {
                if (unknownCount > 0) {
                    throw new IllegalArgumentException(
                            unknownCount
                                    + " samples have an unknown group: class counts are required"
                                    + " (optClassCounts)");
                }
                return new GroupMetrics(this, perClass, perClassCorrect);
            }
            long classTotal = 0;
            long classCorrectTotal = 0;
            for (int y = 0; y < numClasses; y++) {
                if (classCounts[y] < perClass[y]
                        || classCorrect[y] < perClassCorrect[y]
                        || classCorrect[y] - perClassCorrect[y] > classCounts[y] - perClass[y]) {
                    throw new IllegalArgumentException(
                            "class "
                                    + y
                                    + " has "
                                    + classCounts[y]
                                    + " samples ("
                                    + classCorrect[y]
                                    + " correct), inconsistent with its groups' "
                                    + perClass[y]
                                    + " ("
                                    + perClassCorrect[y]
                                    + " correct)");
                }
                classTotal += classCounts[y] - perClass[y];
                classCorrectTotal += classCorrect[y] - perClassCorrect[y];
            }
            if (classTotal != unknownCount || classCorrectTotal != unknownCorrect) {
                throw new IllegalArgumentException(
                        "class counts exceed group counts by "
                                + classTotal
                                + " samples ("
                                + classCorrectTotal
                                + " correct), but "
                                + unknownCount
                                + " samples ("
                                + unknownCorrect
                                + " correct) have an unknown group");
            }
            return new GroupMetrics(this, classCounts, classCorrect);
        }
    }
}
