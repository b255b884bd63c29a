package dev.debias.loss;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
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
 * <p>The parts live in their own classes: {@link GroupDroOptions} (the options, also held by
 * {@code GroupDroConfig}), {@link GroupSums} (the group reduction), the per-variant weight update,
 * and the values {@link RobustWeights} and {@link GroupDroStep}.
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

    /** The Group DRO variants. */
    public enum Variant {
        /** One exponentiated-gradient distribution over all groups (Sagawa et al.). */
        STANDARD,
        /** One distribution per class, combined with the classes' group shares (CAMEL). */
        CLASS_CONDITIONAL,
        /** Greedy top-\(\alpha\) weighting of the groups by their loss EMA ("btl"). */
        GREEDY
    }

    private final GroupDroOptions options;
    private final GroupWeightUpdate rule;
    private final PerSampleLoss baseLoss;
    private final GroupDroState state;
    private RobustWeights lastUpdate;

    private GroupDroLoss(GroupSpec spec, GroupDroOptions options) {
        super(options.name);
        this.options = options;
        this.rule = new GroupWeightUpdate(spec, options);
        this.baseLoss = options.baseLoss;
        this.state = rule.initialState(options.adjustments(spec.numGroups()));
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
     * Returns the options of this loss.
     *
     * @return the options
     */
    public GroupDroOptions options() {
        return options;
    }

    /**
     * Returns the variant of this loss.
     *
     * @return the variant
     */
    public Variant variant() {
        return rule.variant();
    }

    /**
     * Returns the number of groups {@code G}.
     *
     * @return the number of groups
     */
    public int numGroups() {
        return rule.numGroups();
    }

    /**
     * Returns the current group weights: \(q\) for the standard variant, \(f_{c(g)}
     * q^{(c)}_g\) for the class-conditional one, the greedy weights of the current loss EMA for
     * the greedy one. They sum to 1, and groups absent from training have weight 0.
     *
     * @return a copy of the weights, indexed by group
     */
    public synchronized double[] weights() {
        return rule.weights(state);
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
        NDArray y = LossInputs.column(labels, GroupedLabels.LABEL, "LABEL", losses.getShape().get(0), getName());
        return GroupSums.compute(losses, groups, y, rule.classOfGroups(), rule.numGroups(), getName());
    }

    /**
     * Computes the per-group sums of given per-sample losses ({@link GroupSums#compute}).
     *
     * @param perSampleLosses the losses {@code [B]}
     * @param groups the group ids {@code [B]}, values in {@code [-1, G)}
     * @return the group sums
     * @throws IllegalArgumentException on bad shapes, group ids out of range or a non-finite
     *     group loss
     */
    public GroupSums groupSums(NDArray perSampleLosses, NDArray groups) {
        return GroupSums.compute(perSampleLosses, groups, rule.numGroups(), getName());
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
        return rule.advance(state, groupLossSums, groupCounts, false);
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
        RobustWeights update = rule.advance(state, groupLossSums, groupCounts, true);
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
        int numGroups = rule.numGroups();
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
        int numGroups = rule.numGroups();
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
    public GroupDroStep step(NDList labels, NDList predictions) {
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
    public GroupDroStep update(NDArray perSampleLosses, NDArray groups) {
        return step(groupSums(perSampleLosses, groups));
    }

    private GroupDroStep step(GroupSums part) {
        RobustWeights weights = commit(part.lossSums, part.counts);
        NDArray loss = robustLoss(part, weights).add((float) weights.adjustmentOffset);
        return new GroupDroStep(loss, weights);
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
        int numGroups = rule.numGroups();
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
        rule.applyAutomaticAdjustment(state, validationGroupLosses);
    }

    /**
     * Writes the state (group logits, loss EMA and its flags, adjustments, step count) for a
     * checkpoint. The configuration is not written: rebuild the loss with the same builder.
     *
     * @param out the stream
     * @throws IOException if writing fails
     */
    public synchronized void saveState(DataOutputStream out) throws IOException {
        state.write(out, rule.variant());
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
        state.copyFrom(GroupDroState.read(in, rule.variant(), rule.present()));
        lastUpdate = null;
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

    /** Builds a {@link GroupDroLoss} over the groups of a training set. */
    public static final class Builder extends GroupDroOptions.BaseBuilder<Builder> {

        private final GroupSpec spec;

        Builder(GroupSpec spec) {
            if (spec == null) {
                throw new IllegalArgumentException("Group DRO needs a GroupSpec");
            }
            this.spec = spec;
        }

        /** {@inheritDoc} */
        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Builds the loss.
         *
         * @return the loss, with uniform weights over the groups present in the training data
         * @throws IllegalArgumentException if the spec has no training counts or the options
         *     conflict
         */
        public GroupDroLoss build() {
            return new GroupDroLoss(spec, GroupDroOptions.of(this));
        }
    }
}
