/**
 * Debiasing losses as DJL {@link ai.djl.training.loss.Loss} objects.
 *
 * <p>Every loss reads the logits from {@code predictions.head()} and the label columns it needs
 * by their {@link dev.debias.data.GroupedLabels} index, tolerates extra columns, returns the batch
 * mean from a side-effect-free {@code evaluate}, and (where a per-sample value exists) exposes the
 * unreduced values through {@link dev.debias.loss.PerSampleLoss}. The losses implement:
 *
 * <ul>
 *   <li>{@link dev.debias.loss.CrossEntropy} and {@link dev.debias.loss.WeightedCrossEntropyLoss}:
 *       per-sample and (group- or sample-) weighted cross-entropy, as used for re-weighting and by
 *       Nam et al., "Learning from Failure: Training Debiased Classifier from Biased Classifier",
 *       NeurIPS 2020;
 *   <li>{@link dev.debias.loss.GeneralizedCrossEntropyLoss}: Zhang and Sabuncu, "Generalized
 *       Cross Entropy Loss for Training Deep Neural Networks with Noisy Labels", NeurIPS 2018, in
 *       the paper's form and in the form coded by LfF and by Lee et al., "Learning Debiased
 *       Representation via Disentangled Feature Augmentation", NeurIPS 2021;
 *   <li>{@link dev.debias.loss.GroupDroLoss}: Sagawa et al., "Distributionally Robust Neural
 *       Networks for Group Shifts: On the Importance of Regularization for Worst-Case
 *       Generalization", ICLR 2020, including the class-conditional variant of Goel et al.,
 *       "Model Patching: Closing the Subgroup Performance Gap with Data Augmentation", ICLR 2021;
 *   <li>{@link dev.debias.loss.SubgroupConsistencyLoss}: the subgroup consistency regulariser of
 *       Goel et al. (CAMEL), ICLR 2021;
 *   <li>{@link dev.debias.loss.L1MaskSparsityLoss}: the L1 penalty on pruning-mask scores of Park
 *       et al., "Training Debiased Subnetworks with Contrastive Weight Pruning", CVPR 2023.
 * </ul>
 */
package dev.debias.loss;
