package dev.debias.loss;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.training.loss.Loss;

import dev.debias.data.GroupSpec;
import dev.debias.data.GroupedLabels;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Group distributionally robust optimisation (Group DRO) of Sagawa et al., "Distributionally Robust
 * Neural Networks for Group Shifts: On the Importance of Regularization for Worst-Case
 * Generalization" (ICLR 2020), with the class-conditional variant of Goel et al., "Model Patching"
 * (CAMEL, ICLR 2021) and the greedy top-\(\alpha\) ("btl") variant of the reference code.
 *
 * <p>The loss minimises \(\max_{q \in \Delta_G} \sum_g q_g L_g(\theta)\), where \(L_g\) is the
 * batch mean of the per-sample loss (cross-entropy unless {@link Builder#optBaseLoss(PerSampleLoss)}
 * says otherwise) over the samples of group {@code g}, and {@code q} follows online exponentiated
 * gradient ascent. Each step, with the batch's detached group means \(L_g\) (0 for groups absent
 * from the batch) and training counts \(n_g\):
 *
 * <ol>
 *   <li>\(A_g = L_g + C_g / \sqrt{n_g}\) (generalisation adjustment, applied per group; the
 *       reference applies it only when every \(C_g &gt; 0\));
 *   <li>optionally \(A \leftarrow A / \max(\sum_g A_g, 10^{-12})\) ({@code normalizeLoss});
 *   <li>the group logits move, \(s_g \leftarrow s_g + \eta A_g\), and \(q = \mathrm{softmax}(s)\)
 *       (the logit form of \(q \leftarrow q\,e^{\eta A} / Z\), stable over long runs);
 *   <li>the robust loss uses the <em>updated</em> weights: \(\sum_g q_g (L_g + C_g/\sqrt{n_g})\).
 *       The adjustment adds the constant \(\sum_g q_g C_g / \sqrt{n_g}\) to the value (as in the
 *       reference) without changing the gradient; {@link RobustWeights#unadjustedLoss()} is
 *       \(\sum_g q_g L_g\), the value to log.
 * </ol>
 *
 * <p>Variants ({@link Variant}): {@link Variant#CLASS_CONDITIONAL} keeps one distribution per class
 * and returns \(\sum_c f_c \sum_{g \in c} q^{(c)}_g A_g\) with \(f_c\) the share of the groups (of
 * the training data) that belong to class {@code c}; {@link Variant#GREEDY} ("btl") gives weight
 * \(n_g / (\alpha N)\) to the groups with the highest loss EMA (plus adjustment) until their
 * training fraction reaches \(\alpha\), the remainder to the next group, and mixes in
 * {@code minVarWeight} of the training fractions. An exponential moving average of the group
 * losses (\(\gamma\)) is kept in every variant; it feeds the greedy variant and {@link
 * #applyAutomaticAdjustment(double[])}.
 *
 * <p>Groups absent from the training data (\(n_g = 0\)) get weight 0 for the whole run, as in WILDS.
 * Samples whose group is unknown ({@link GroupedLabels#UNKNOWN_GROUP}) do not contribute to the
 * loss.
 *
 * <p><b>State and purity.</b> {@link #evaluate(NDList, NDList)} is a pure function of the state
 * and the batch (DJL calls it twice per training batch and on validation batches): it computes the
 * prospective weights of this batch and returns the robust loss without changing anything. The
 * state changes only through {@link #commit(double[], long[])}, called by {@link #step(NDList,
 * NDList)}, {@link #update(NDArray, NDArray)}, a trainer, or the listener of {@link #updater()}
 * (for {@code EasyTrain}). Create one loss per training run and checkpoint it with {@link
 * #saveState(DataOutputStream)}. The state lives host-side in {@code double[]}; every native array
 * is created on the manager of the batch's labels or predictions.
 *
 * <p><b>Several devices.</b> A trainer that splits a batch computes {@link #groupSums(NDList,
 * NDList)} on every split, commits once with {@link #commit(List)} (sums and counts added over the
 * splits) and back-propagates {@link #robustLoss(GroupSums, RobustWeights)} of every split; the
 * splits' losses add up to the full-batch robust loss, exactly. Under {@code EasyTrain} with
 * several devices, {@code evaluate} runs per split and takes the prospective weights from that
 * split's group means only (an approximation of the gradient), while {@link #updater()} still
 * commits the exact full-batch step.
 */
public final class GroupDroLoss extends Loss {

    private static final double MIN_LOSS_SUM = 1e-12;

    /** The Group DRO variants. */
    public enum Variant {
        /** One exponentiated-gradient distribution over all groups (Sagawa et al.). */
        STANDARD,
        /** One distribution per class, combined with the classes' group shares (CAMEL). */
        CLASS_CONDITIONAL,
        /** Greedy top-\(\alpha\) weighting of the groups by their loss EMA ("btl"). */
        GREEDY
    }

    private final Variant variant;
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
    private final PerSampleLoss baseLoss;

    private final GroupDroState state;
    private RobustWeights lastUpdate;

    private GroupDroLoss(Builder builder) {
        super(builder.name);
        GroupSpec spec = builder.spec;
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
        variant = builder.variant();
        stepSize = builder.stepSize;
        normalizeLoss = builder.normalizeLoss;
        alpha = builder.alpha;
        gamma = builder.gamma;
        minVarWeight = builder.minVarWeight;
        baseLoss = builder.baseLoss;

        double[] adjustments = builder.adjustments(numGroups);
        double[] logits = new double[numGroups];
        for (int g = 0; g < numGroups; g++) {
            if (!present[g]) {
                logits[g] = Double.NEGATIVE_INFINITY;
                adjustments[g] = 0;
            }
        }
        state =
                new GroupDroState(
                        logits, new double[numGroups], new boolean[numGroups], adjustments);
    }

    /**
     * Returns a builder for a loss over the groups of {@code spec}; the spec must carry the
     * training counts of the groups.
     *
     * @param spec the groups and their training counts
     * @return a new builder
     */
    public static Builder builder(GroupSpec spec) {
        return new Builder(spec);
    }

    /**
     * Returns the variant of this loss.
     *
     * @return the variant
     */
    public Variant variant() {
        return variant;
    }

    /**
     * Returns the number of groups {@code G}.
     *
     * @return the number of groups
     */
    public int numGroups() {
        return numGroups;
    }

    /**
     * Returns the current group weights: \(q\) for the standard variant, \(f_{c(g)}
     * q^{(c)}_g\) for the class-conditional one, the greedy weights of the current loss EMA for
     * the greedy one. They sum to 1, and groups absent from training have weight 0.
     *
     * @return a copy of the weights, indexed by group
     */
    public synchronized double[] weights() {
        return variant == Variant.GREEDY
                ? greedyWeights(state.ema, adjustmentTerms(state.adjustments))
                : distribution(state.logits);
    }

    /**
     * Returns the exponential moving average of every group's loss (0 for groups never seen).
     *
     * @return a copy of the EMA, indexed by group
     */
    public synchronized double[] groupLossEma() {
        return state.ema.clone();
    }

    /**
     * Returns the generalisation-adjustment constants \(C_g\).
     *
     * @return a copy, indexed by group
     */
    public synchronized double[] adjustments() {
        return state.adjustments.clone();
    }

    /**
     * Returns the number of committed steps.
     *
     * @return the step count
     */
    public synchronized long numSteps() {
        return state.steps;
    }

    /**
     * Returns the weights, group losses and loss values of the last committed step.
     *
     * @return the last update, or {@code null} before the first commit
     */
    public synchronized RobustWeights lastUpdate() {
        return lastUpdate;
    }

    /**
     * Computes the per-group loss sums of a batch (or of one device's split of it) with the base
     * loss.
     *
     * @param labels the label columns; reads {@link GroupedLabels#GROUP} and whatever the base
     *     loss reads
     * @param predictions the model outputs
     * @return the group sums, with one small host copy of the detached sums and counts
     * @throws IllegalArgumentException on bad shapes, group ids outside {@code [-1, G)} or a
     *     non-finite group loss
     */
    public GroupSums groupSums(NDList labels, NDList predictions) {
        NDArray losses = baseLoss.perSample(labels, predictions);
        NDArray groups =
                LossInputs.column(
                        labels,
                        GroupedLabels.GROUP,
                        "GROUP",
                        losses.getShape().get(0),
                        getName());
        return groupSums(losses, groups);
    }

    /**
     * Computes the per-group sums of given per-sample losses.
     *
     * <p>Group membership is a native one-hot matrix {@code [B, G + 1]} (column 0 for unknown
     * groups); sums and counts come from one matrix product and one column sum, followed by one
     * host copy of {@code 2 (G + 1)} numbers.
     *
     * @param perSampleLosses the losses {@code [B]}
     * @param groups the group ids {@code [B]}, values in {@code [-1, G)}
     * @return the group sums
     * @throws IllegalArgumentException on bad shapes, group ids out of range or a non-finite
     *     group loss
     */
    public GroupSums groupSums(NDArray perSampleLosses, NDArray groups) {
        if (perSampleLosses.getShape().dimension() != 1) {
            throw new IllegalArgumentException(
                    getName()
                            + ": per-sample losses must have shape [B], got "
                            + perSampleLosses.getShape());
        }
        long batch = perSampleLosses.getShape().get(0);
        NDArray ids = LossInputs.asInt64(LossInputs.vector(groups, "group ids", batch, getName()));
        long[] columnIds = new long[numGroups + 1];
        for (int j = 0; j <= numGroups; j++) {
            columnIds[j] = j - 1L;
        }
        NDArray columns =
                ids.getManager().create(columnIds).toDevice(ids.getDevice(), false);
        NDArray membership =
                ids.reshape(batch, 1)
                        .eq(columns.reshape(1, numGroups + 1))
                        .toType(perSampleLosses.getDataType(), false);
        NDArray allSums =
                perSampleLosses.reshape(1, batch).matMul(membership).reshape(numGroups + 1);
        NDArray allCounts = membership.sum(new int[] {0});
        float[] host =
                NDArrays.concat(new NDList(allSums.stopGradient(), allCounts))
                        .toType(DataType.FLOAT32, false)
                        .toFloatArray();
        double[] sums = new double[numGroups];
        long[] counts = new long[numGroups];
        long unknown = Math.round(host[numGroups + 1]);
        long counted = unknown;
        boolean finite = Float.isFinite(host[0]);
        for (int g = 0; g < numGroups; g++) {
            sums[g] = host[g + 1];
            counts[g] = Math.round(host[numGroups + 2 + g]);
            counted += counts[g];
            finite &= Double.isFinite(sums[g]);
        }
        if (!finite) {
            // the one-hot product spreads a NaN or infinite loss over every group
            throw new NonFiniteLossException(
                    getName()
                            + ": the per-sample losses contain NaN or infinite values (group sums "
                            + Arrays.toString(sums)
                            + "); the predictions contain NaN or infinite values");
        }
        if (counted != batch) {
            throw new IllegalArgumentException(
                    getName()
                            + ": "
                            + (batch - counted)
                            + " samples of the batch have a group id outside [-1, "
                            + numGroups
                            + ")");
        }
        NDArray groupSums = allSums.get("1:");
        return new GroupSums(groupSums, sums, counts, unknown);
    }

    /**
     * Returns the weights this batch would commit, without committing them (a pure function of
     * the state and the batch statistics).
     *
     * @param groupLossSums the per-group sums of the detached per-sample losses
     * @param groupCounts the per-group sample counts
     * @return the prospective weights and loss values
     * @throws IllegalArgumentException if the arrays do not have {@code G} entries, a count is
     *     negative or a sum is not finite
     */
    public synchronized RobustWeights prospective(double[] groupLossSums, long[] groupCounts) {
        return advance(groupLossSums, groupCounts, false);
    }

    /**
     * Commits one step of the state (loss EMA, group logits, step count) from a batch's group
     * sums and counts, and returns the weights to use for this batch's robust loss.
     *
     * <p>Call it exactly once per training batch; with several devices, pass the sums and counts
     * added over all splits.
     *
     * @param groupLossSums the per-group sums of the detached per-sample losses
     * @param groupCounts the per-group sample counts
     * @return the committed weights and loss values
     * @throws IllegalArgumentException if the arrays do not have {@code G} entries, a count is
     *     negative or a sum is not finite
     */
    public synchronized RobustWeights commit(double[] groupLossSums, long[] groupCounts) {
        RobustWeights update = advance(groupLossSums, groupCounts, true);
        lastUpdate = update;
        return update;
    }

    /**
     * Commits one step from the group sums of the splits of one batch (added over the splits).
     *
     * @param parts the group sums of every split of the batch
     * @return the committed weights and loss values
     */
    public RobustWeights commit(List<GroupSums> parts) {
        double[] sums = new double[numGroups];
        long[] counts = new long[numGroups];
        for (GroupSums part : parts) {
            for (int g = 0; g < numGroups; g++) {
                sums[g] += part.lossSums[g];
                counts[g] += part.counts[g];
            }
        }
        return commit(sums, counts);
    }

    /**
     * Returns the differentiable robust loss of one batch (or split) under given weights,
     * \(\sum_g w_g S_g / \max(N_g, 1)\), where \(S_g\) are the split's native group sums and
     * \(N_g\) the counts of the whole batch held by {@code weights}. It excludes the constant
     * adjustment offset {@link RobustWeights#adjustmentOffset()}; the values of the splits of a
     * batch add up to {@link RobustWeights#unadjustedLoss()}.
     *
     * @param part the split's group sums
     * @param weights the weights returned by {@link #commit} or {@link #prospective}
     * @return the scalar loss, attached to the manager of {@code part.sums()}
     */
    public NDArray robustLoss(GroupSums part, RobustWeights weights) {
        if (weights.weights.length != numGroups || part.lossSums.length != numGroups) {
            throw new IllegalArgumentException(
                    getName() + ": group sums and weights must cover " + numGroups + " groups");
        }
        float[] coefficients = new float[numGroups];
        for (int g = 0; g < numGroups; g++) {
            coefficients[g] = (float) (weights.weights[g] / Math.max(weights.groupCounts[g], 1));
        }
        NDArray sums = part.sums();
        NDArray coefficientArray =
                sums.getManager()
                        .create(coefficients)
                        .toDevice(sums.getDevice(), false)
                        .toType(sums.getDataType(), false);
        return sums.mul(coefficientArray).sum();
    }

    /**
     * Computes the per-sample losses of a batch, commits one step and returns the robust loss to
     * back-propagate: the single-device training step, computing the group means once.
     *
     * @param labels the label columns
     * @param predictions the model outputs
     * @return the robust loss (adjusted, as {@link #evaluate}) and the committed weights
     */
    public Step step(NDList labels, NDList predictions) {
        return step(groupSums(labels, predictions));
    }

    /**
     * Commits one step from given per-sample losses and returns the robust loss to
     * back-propagate.
     *
     * @param perSampleLosses the per-sample losses {@code [B]} (with gradient)
     * @param groups the group ids {@code [B]}
     * @return the robust loss (adjusted, as {@link #evaluate}) and the committed weights
     */
    public Step update(NDArray perSampleLosses, NDArray groups) {
        return step(groupSums(perSampleLosses, groups));
    }

    private Step step(GroupSums part) {
        RobustWeights weights = commit(part.lossSums, part.counts);
        NDArray loss = robustLoss(part, weights).add((float) weights.adjustmentOffset);
        return new Step(loss, weights);
    }

    /**
     * Returns the robust loss of the batch under the weights it would commit, including the
     * adjustment offset (same gradient as the unadjusted value, see {@link
     * RobustWeights#unadjustedLoss()}). Pure: the state does not change.
     *
     * @param labels the label columns; reads {@link GroupedLabels#GROUP} and the columns of the
     *     base loss
     * @param predictions the model outputs
     * @return the scalar robust loss
     */
    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        GroupSums part = groupSums(labels, predictions);
        RobustWeights weights = prospective(part.lossSums, part.counts);
        return robustLoss(part, weights).add((float) weights.adjustmentOffset);
    }

    /**
     * Returns a training listener that commits one step per training batch, from the labels and
     * predictions of all devices, for use with {@code EasyTrain}. Add it after DJL's logging
     * listeners so that the logged loss is evaluated before the commit.
     *
     * @return the listener
     */
    public TrainingListener updater() {
        return new Updater();
    }

    /**
     * Sets the adjustment constants from the generalisation gap, as the reference's {@code
     * automatic_adjustment}: \(C_g = \max(0, \bar{L}^{val}_g - \mathrm{EMA}_g)\sqrt{n_g}\).
     *
     * <p>Negative gaps are clamped to 0 (the reference would allow mixed signs and crashes before
     * using them, so no published number depends on it). Call it after an epoch with the mean
     * validation loss of every group.
     *
     * @param validationGroupLosses the mean validation loss of every group
     * @throws IllegalArgumentException if the array does not have {@code G} finite entries
     */
    public synchronized void applyAutomaticAdjustment(double[] validationGroupLosses) {
        if (validationGroupLosses.length != numGroups) {
            throw new IllegalArgumentException(
                    getName()
                            + ": expected "
                            + numGroups
                            + " validation group losses, got "
                            + validationGroupLosses.length);
        }
        for (int g = 0; g < numGroups; g++) {
            if (!Double.isFinite(validationGroupLosses[g])) {
                throw new IllegalArgumentException(
                        getName()
                                + ": validation loss of group "
                                + g
                                + " is "
                                + validationGroupLosses[g]);
            }
        }
        for (int g = 0; g < numGroups; g++) {
            state.adjustments[g] =
                    present[g]
                            ? Math.max(0, validationGroupLosses[g] - state.ema[g])
                                    * Math.sqrt(trainCounts[g])
                            : 0;
        }
    }

    /**
     * Writes the state (group logits, loss EMA and its flags, adjustments, step count) for a
     * checkpoint. The configuration is not written: rebuild the loss with the same builder.
     *
     * @param out the stream
     * @throws IOException if writing fails
     */
    public synchronized void saveState(DataOutputStream out) throws IOException {
        state.write(out, variant);
    }

    /**
     * Replaces the state with one written by {@link #saveState(DataOutputStream)}.
     *
     * @param in the stream
     * @throws IOException if reading fails or the state belongs to a loss with another number
     *     of groups, another variant or other groups absent from training; the state is then
     *     unchanged
     */
    public synchronized void loadState(DataInputStream in) throws IOException {
        state.copyFrom(GroupDroState.read(in, variant, present));
        lastUpdate = null;
    }

    private RobustWeights advance(double[] sums, long[] counts, boolean commit) {
        if (sums.length != numGroups || counts.length != numGroups) {
            throw new IllegalArgumentException(
                    getName()
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
                        getName()
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
        if (variant == Variant.GREEDY) {
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
    private double[] adjustmentTerms(double[] constants) {
        double[] terms = new double[numGroups];
        for (int g = 0; g < numGroups; g++) {
            terms[g] = present[g] ? constants[g] / Math.sqrt(trainCounts[g]) : 0;
        }
        return terms;
    }

    /** Shifts the logits of each partition (all groups, or each class) to a maximum of 0. */
    private void recentre(double[] logits) {
        int partitions = variant == Variant.CLASS_CONDITIONAL ? classShare.length : 1;
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
        return variant == Variant.CLASS_CONDITIONAL ? classOfGroup[group] : 0;
    }

    /** Softmax of the logits over all groups, or within each class weighted by its share. */
    private double[] distribution(double[] logits) {
        int partitions = variant == Variant.CLASS_CONDITIONAL ? classShare.length : 1;
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
                double share = variant == Variant.CLASS_CONDITIONAL ? classShare[classOfGroup[g]] : 1;
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
    private double[] greedyWeights(double[] ema, double[] adjustment) {
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

    /** Commits one Group DRO step per training batch, for {@code EasyTrain}. */
    private final class Updater extends TrainingListenerAdapter {

        /** {@inheritDoc} */
        @Override
        public void onTrainingBatch(Trainer trainer, BatchData batchData) {
            List<GroupSums> parts = new ArrayList<>();
            for (Map.Entry<Device, NDList> entry : batchData.getLabels().entrySet()) {
                NDList predictions = batchData.getPredictions().get(entry.getKey());
                if (predictions == null) {
                    throw new IllegalStateException(
                            getName() + ": no predictions for device " + entry.getKey());
                }
                NDList detached = new NDList(predictions.size());
                for (NDArray prediction : predictions) {
                    detached.add(prediction.stopGradient());
                }
                parts.add(groupSums(entry.getValue(), detached));
            }
            commit(parts);
        }
    }

    /** The per-group loss sums of one batch or split: native for the gradient, host for the state. */
    public static final class GroupSums {

        private final NDArray sums;
        private final double[] lossSums;
        private final long[] counts;
        private final long unknownCount;

        GroupSums(NDArray sums, double[] lossSums, long[] counts, long unknownCount) {
            this.sums = sums;
            this.lossSums = lossSums;
            this.counts = counts;
            this.unknownCount = unknownCount;
        }

        /**
         * Returns the native, differentiable group sums \(S_g = \sum_{i: g_i = g} \ell_i\).
         *
         * @return the sums {@code [G]}
         */
        public NDArray sums() {
            return sums;
        }

        /**
         * Returns a host copy of the detached group sums.
         *
         * @return the sums, indexed by group
         */
        public double[] lossSums() {
            return lossSums.clone();
        }

        /**
         * Returns the number of samples of each group.
         *
         * @return the counts, indexed by group
         */
        public long[] counts() {
            return counts.clone();
        }

        /**
         * Returns the number of samples with an unknown group, which do not enter the loss.
         *
         * @return the count of samples with group {@code -1}
         */
        public long unknownCount() {
            return unknownCount;
        }
    }

    /** The group weights and loss values of one (committed or prospective) Group DRO step. */
    public static final class RobustWeights {

        private final double[] weights;
        private final double[] groupLosses;
        private final long[] groupCounts;
        private final double adjustmentOffset;
        private final double unadjustedLoss;

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

    /** The result of one committed training step: the loss to back-propagate and the weights. */
    public static final class Step {

        private final NDArray loss;
        private final RobustWeights weights;

        Step(NDArray loss, RobustWeights weights) {
            this.loss = loss;
            this.weights = weights;
        }

        /**
         * Returns the scalar robust loss (with the adjustment offset) to back-propagate.
         *
         * @return the loss
         */
        public NDArray loss() {
            return loss;
        }

        /**
         * Returns the weights and loss values committed by this step.
         *
         * @return the committed weights
         */
        public RobustWeights weights() {
            return weights;
        }
    }

    /** Builds a {@link GroupDroLoss}. */
    public static final class Builder {

        private final GroupSpec spec;
        private String name = "GroupDRO";
        private double stepSize = 0.01;
        private double[] adjustmentVector;
        private double adjustment;
        private boolean normalizeLoss;
        private boolean greedy;
        private boolean classConditional;
        private double alpha = 0.2;
        private double gamma = 0.1;
        private double minVarWeight;
        private PerSampleLoss baseLoss = new CrossEntropy();

        Builder(GroupSpec spec) {
            if (spec == null) {
                throw new IllegalArgumentException("Group DRO needs a GroupSpec");
            }
            this.spec = spec;
        }

        /**
         * Sets the display name.
         *
         * @param name the name; default {@code "GroupDRO"}
         * @return this builder
         */
        public Builder optName(String name) {
            this.name = name;
            return this;
        }

        /**
         * Sets the exponentiated-gradient step size \(\eta\) ({@code robust_step_size}).
         *
         * @param eta the step size, finite and {@code >= 0}; default 0.01
         * @return this builder
         */
        public Builder optStepSize(double eta) {
            if (!(eta >= 0) || Double.isInfinite(eta)) {
                throw new IllegalArgumentException("step size must be finite and >= 0, got " + eta);
            }
            this.stepSize = eta;
            return this;
        }

        /**
         * Sets one generalisation-adjustment constant {@code C} for all groups (the term
         * \(C/\sqrt{n_g}\) is added to each group's loss).
         *
         * @param c the constant, finite and {@code >= 0}; default 0
         * @return this builder
         */
        public Builder optGeneralizationAdjustment(double c) {
            checkAdjustment(c, "the adjustment");
            this.adjustment = c;
            this.adjustmentVector = null;
            return this;
        }

        /**
         * Sets one generalisation-adjustment constant \(C_g\) per group, applied element-wise.
         *
         * @param c the constants, {@code G} finite values {@code >= 0}
         * @return this builder
         */
        public Builder optGeneralizationAdjustment(double[] c) {
            if (c.length != spec.numGroups()) {
                throw new IllegalArgumentException(
                        "expected " + spec.numGroups() + " adjustments, got " + c.length);
            }
            for (int g = 0; g < c.length; g++) {
                checkAdjustment(c[g], "the adjustment of group " + g);
            }
            this.adjustmentVector = c.clone();
            return this;
        }

        private static void checkAdjustment(double c, String what) {
            if (!(c >= 0) || Double.isInfinite(c)) {
                throw new IllegalArgumentException(what + " must be finite and >= 0, got " + c);
            }
        }

        /**
         * Divides the adjusted group losses by their sum before the exponentiated-gradient step
         * ({@code normalize_loss}); ignored by the greedy variant.
         *
         * @param normalize true to normalise; default false
         * @return this builder
         */
        public Builder optNormalizeLoss(boolean normalize) {
            this.normalizeLoss = normalize;
            return this;
        }

        /**
         * Selects the greedy top-\(\alpha\) variant ({@code btl}).
         *
         * @param btl true for the greedy variant; default false
         * @return this builder
         */
        public Builder optBtl(boolean btl) {
            this.greedy = btl;
            return this;
        }

        /**
         * Sets the fraction \(\alpha\) of the training data the greedy variant concentrates on.
         *
         * @param alpha in {@code (0, 1]}; default 0.2
         * @return this builder
         */
        public Builder optAlpha(double alpha) {
            if (!(alpha > 0 && alpha <= 1)) {
                throw new IllegalArgumentException("alpha must be in (0, 1], got " + alpha);
            }
            this.alpha = alpha;
            return this;
        }

        /**
         * Sets the rate \(\gamma\) of the exponential moving average of the group losses.
         *
         * @param gamma in {@code (0, 1]}; default 0.1
         * @return this builder
         */
        public Builder optGamma(double gamma) {
            if (!(gamma > 0 && gamma <= 1)) {
                throw new IllegalArgumentException("gamma must be in (0, 1], got " + gamma);
            }
            this.gamma = gamma;
            return this;
        }

        /**
         * Sets the share of the training fractions mixed into the greedy weights.
         *
         * @param weight in {@code [0, 1]}; default 0
         * @return this builder
         */
        public Builder optMinVarWeight(double weight) {
            if (!(weight >= 0 && weight <= 1)) {
                throw new IllegalArgumentException("minVarWeight must be in [0, 1], got " + weight);
            }
            this.minVarWeight = weight;
            return this;
        }

        /**
         * Selects the class-conditional variant: one distribution per class (CAMEL's {@code
         * gdro_mixed}).
         *
         * @param classConditional true for the class-conditional variant; default false
         * @return this builder
         */
        public Builder optClassConditional(boolean classConditional) {
            this.classConditional = classConditional;
            return this;
        }

        /**
         * Sets the per-sample loss whose group means Group DRO weighs.
         *
         * @param loss the per-sample loss; default {@link CrossEntropy}
         * @return this builder
         */
        public Builder optBaseLoss(PerSampleLoss loss) {
            if (loss == null) {
                throw new IllegalArgumentException("the base loss must not be null");
            }
            this.baseLoss = loss;
            return this;
        }

        Variant variant() {
            if (greedy && classConditional) {
                throw new IllegalArgumentException(
                        "the greedy (btl) and class-conditional variants cannot be combined");
            }
            if (greedy) {
                return Variant.GREEDY;
            }
            return classConditional ? Variant.CLASS_CONDITIONAL : Variant.STANDARD;
        }

        double[] adjustments(int groups) {
            if (adjustmentVector != null) {
                return adjustmentVector.clone();
            }
            double[] constants = new double[groups];
            Arrays.fill(constants, adjustment);
            return constants;
        }

        /**
         * Builds the loss.
         *
         * @return the loss, with uniform weights over the groups present in the training data
         * @throws IllegalArgumentException if the spec has no training counts or the options
         *     conflict
         */
        public GroupDroLoss build() {
            return new GroupDroLoss(this);
        }
    }
}
