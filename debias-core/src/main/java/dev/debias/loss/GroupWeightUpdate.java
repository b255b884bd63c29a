package dev.debias.loss;

import dev.debias.data.GroupSpec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The per-variant update of the group weights of {@link GroupDroLoss}: exponentiated gradient in
 * logit form over all groups (Sagawa et al., ICLR 2020) or within each class (CAMEL, Goel et al.,
 * ICLR 2021), or the greedy top-alpha weights ("btl"), with the loss EMA and the generalisation
 * adjustment. Pure functions of a {@link GroupDroState} and one batch's group statistics.
 */
final class GroupWeightUpdate {

    private static final double MIN_LOSS_SUM = 1e-12;

    private final String name;
    private final GroupDroLoss.Variant variant;
    private final int numGroups;
    private final long[] trainCounts;
    private final boolean[] present;
    private final double[] trainFractions;
    private final int[] classOfGroup;
    private final double[] classShare;
    private final double stepSize;
    private final boolean normalizeLoss;
    private final double alpha;
    private final double gamma;
    private final double minVarWeight;

    GroupWeightUpdate(GroupSpec spec, GroupDroOptions options) {
        name = options.name;
        numGroups = spec.numGroups();
        trainCounts = spec.groupCounts();
        present = new boolean[numGroups];
        trainFractions = new double[numGroups];
        classOfGroup = new int[numGroups];
        long total = 0;
        for (int g = 0; g < numGroups; g++) {
            present[g] = trainCounts[g] > 0;
            total += trainCounts[g];
            classOfGroup[g] = spec.classOf(g);
        }
        if (total == 0) {
            throw new IllegalArgumentException(
                    "Group DRO needs the training count of every group, but the GroupSpec's"
                            + " counts are all 0 (use GroupSpec.fromLabels or withGroupCounts)");
        }
        int presentGroups = 0;
        classShare = new double[spec.numClasses()];
        for (int g = 0; g < numGroups; g++) {
            trainFractions[g] = (double) trainCounts[g] / total;
            if (present[g]) {
                presentGroups++;
                classShare[classOfGroup[g]]++;
            }
        }
        for (int c = 0; c < classShare.length; c++) {
            classShare[c] /= presentGroups;
        }
        variant = options.variant;
        stepSize = options.stepSize;
        normalizeLoss = options.normalizeLoss;
        alpha = options.alpha;
        gamma = options.gamma;
        minVarWeight = options.minVarWeight;
    }

    int numGroups() {
        return numGroups;
    }

    int[] classOfGroups() {
        return classOfGroup;
    }

    GroupDroLoss.Variant variant() {
        return variant;
    }

    boolean[] present() {
        return present.clone();
    }

    /** Returns the initial state: uniform weights over the groups present in training. */
    GroupDroState initialState(double[] adjustments) {
        double[] logits = new double[numGroups];
        for (int g = 0; g < numGroups; g++) {
            if (!present[g]) {
                logits[g] = Double.NEGATIVE_INFINITY;
                adjustments[g] = 0;
            }
        }
        return new GroupDroState(logits, new double[numGroups], new boolean[numGroups], adjustments);
    }

    /** Returns the current weights of a state. */
    double[] weights(GroupDroState state) {
        return variant == GroupDroLoss.Variant.GREEDY
                ? greedyWeights(state.ema, adjustmentTerms(state.adjustments))
                : distribution(state.logits);
    }

    /** Sets the adjustment constants from the generalisation gap (the reference's automatic adjustment). */
    void applyAutomaticAdjustment(GroupDroState state, double[] validationGroupLosses) {
        for (int g = 0; g < numGroups; g++) {
            state.adjustments[g] =
                    present[g] ? Math.max(0, validationGroupLosses[g] - state.ema[g]) * Math.sqrt(trainCounts[g]) : 0;
        }
    }

    RobustWeights advance(GroupDroState state, double[] sums, long[] counts, boolean commit) {
        if (sums.length != numGroups || counts.length != numGroups) {
            throw new IllegalArgumentException(
                    name
                            + ": expected "
                            + numGroups
                            + " group sums and counts, got "
                            + sums.length
                            + " and "
                            + counts.length);
        }
        double[] means = new double[numGroups];
        for (int g = 0; g < numGroups; g++) {
            if (counts[g] < 0 || !Double.isFinite(sums[g])) {
                throw new IllegalArgumentException(
                        name
                                + ": group "
                                + g
                                + " has count "
                                + counts[g]
                                + " and loss sum "
                                + sums[g]);
            }
            means[g] = counts[g] > 0 ? sums[g] / counts[g] : 0;
        }
        GroupDroState next = state.copy();
        for (int g = 0; g < numGroups; g++) {
            double previous =
                    state.initialized[g] ? (counts[g] > 0 ? 1 - gamma : 1) : 0;
            next.ema[g] = previous * state.ema[g] + (1 - previous) * means[g];
            next.initialized[g] = state.initialized[g] || counts[g] > 0;
        }
        double[] adjustment = adjustmentTerms(state.adjustments);
        double[] weights;
        double offset = 0;
        if (variant == GroupDroLoss.Variant.GREEDY) {
            weights = greedyWeights(next.ema, adjustment);
        } else {
            double[] ascent = new double[numGroups];
            double total = 0;
            for (int g = 0; g < numGroups; g++) {
                if (present[g]) {
                    ascent[g] = means[g] + adjustment[g];
                    total += ascent[g];
                }
            }
            double scale = normalizeLoss ? 1 / Math.max(total, MIN_LOSS_SUM) : 1;
            for (int g = 0; g < numGroups; g++) {
                if (present[g]) {
                    next.logits[g] += stepSize * ascent[g] * scale;
                }
            }
            recentre(next.logits);
            weights = distribution(next.logits);
            for (int g = 0; g < numGroups; g++) {
                offset += weights[g] * adjustment[g];
            }
        }
        double unadjusted = 0;
        for (int g = 0; g < numGroups; g++) {
            unadjusted += weights[g] * means[g];
        }
        next.steps++;
        if (commit) {
            state.copyFrom(next);
        }
        return new RobustWeights(weights, means, counts.clone(), offset, unadjusted);
    }

    /** Returns \(C_g / \sqrt{n_g}\) for groups in the training data, 0 for the others. */
    double[] adjustmentTerms(double[] constants) {
        double[] terms = new double[numGroups];
        for (int g = 0; g < numGroups; g++) {
            terms[g] = present[g] ? constants[g] / Math.sqrt(trainCounts[g]) : 0;
        }
        return terms;
    }

    /** Shifts the logits of each partition (all groups, or each class) to a maximum of 0. */
    private void recentre(double[] logits) {
        int partitions = variant == GroupDroLoss.Variant.CLASS_CONDITIONAL ? classShare.length : 1;
        double[] max = new double[partitions];
        Arrays.fill(max, Double.NEGATIVE_INFINITY);
        for (int g = 0; g < numGroups; g++) {
            if (present[g]) {
                int p = partition(g);
                max[p] = Math.max(max[p], logits[g]);
            }
        }
        for (int g = 0; g < numGroups; g++) {
            if (present[g]) {
                logits[g] -= max[partition(g)];
            }
        }
    }

    private int partition(int group) {
        return variant == GroupDroLoss.Variant.CLASS_CONDITIONAL ? classOfGroup[group] : 0;
    }

    /** Softmax of the logits over all groups, or within each class weighted by its share. */
    double[] distribution(double[] logits) {
        int partitions = variant == GroupDroLoss.Variant.CLASS_CONDITIONAL ? classShare.length : 1;
        double[] max = new double[partitions];
        Arrays.fill(max, Double.NEGATIVE_INFINITY);
        for (int g = 0; g < numGroups; g++) {
            if (present[g]) {
                max[partition(g)] = Math.max(max[partition(g)], logits[g]);
            }
        }
        double[] norm = new double[partitions];
        double[] weights = new double[numGroups];
        for (int g = 0; g < numGroups; g++) {
            if (present[g]) {
                weights[g] = Math.exp(logits[g] - max[partition(g)]);
                norm[partition(g)] += weights[g];
            }
        }
        for (int g = 0; g < numGroups; g++) {
            if (present[g]) {
                double share = variant == GroupDroLoss.Variant.CLASS_CONDITIONAL ? classShare[classOfGroup[g]] : 1;
                weights[g] = share * weights[g] / norm[partition(g)];
            }
        }
        return weights;
    }

    /**
     * The greedy top-\(\alpha\) weights: groups in descending order of EMA plus adjustment get
     * \(n_g / (\alpha N)\) while the cumulative training fraction stays within \(\alpha\), the
     * next group the remainder; then {@code minVarWeight} of the training fractions is mixed in.
     */
    double[] greedyWeights(double[] ema, double[] adjustment) {
        List<Integer> order = new ArrayList<>();
        for (int g = 0; g < numGroups; g++) {
            if (present[g]) {
                order.add(g);
            }
        }
        order.sort(
                (a, b) -> Double.compare(ema[b] + adjustment[b], ema[a] + adjustment[a]));
        double[] weights = new double[numGroups];
        double cumulative = 0;
        double assigned = 0;
        for (int g : order) {
            cumulative += trainFractions[g];
            if (cumulative <= alpha) {
                weights[g] = trainFractions[g] / alpha;
                assigned += weights[g];
            } else {
                weights[g] = 1 - assigned;
                break;
            }
        }
        for (int g = 0; g < numGroups; g++) {
            weights[g] = trainFractions[g] * minVarWeight + weights[g] * (1 - minVarWeight);
        }
        return weights;
    }
}
