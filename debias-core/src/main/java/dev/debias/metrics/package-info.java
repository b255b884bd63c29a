/**
 * Group-wise evaluation of classifiers on grouped data: per-group and per-class accuracy and the
 * summary numbers the debiasing literature reports.
 *
 * <ul>
 *   <li>Worst-group accuracy and the training-weighted ("adjusted") average accuracy of Sagawa et
 *       al., "Distributionally Robust Neural Networks for Group Shifts", ICLR 2020 (Group DRO),
 *       also used by Liu et al., "Just Train Twice", ICML 2021 (JTT);
 *   <li>the unbiased accuracy (mean over the non-empty (class, attribute) cells) of Nam et al.,
 *       "Learning from Failure", NeurIPS 2020 (LfF);
 *   <li>bias-aligned and bias-conflicting accuracy as logged by Park et al., "Training Debiased
 *       Subnetworks with Contrastive Weight Pruning", CVPR 2023 (DCWP), but defined through the
 *       {@link dev.debias.data.GroupSpec}'s alignment rather than the diagonal of the accuracy
 *       matrix;
 *   <li>plain sample accuracy (Lee et al., "Learning Debiased Representation via Disentangled
 *       Feature Augmentation", NeurIPS 2021 (DisEnt), DCWP's headline number, JTT's average).
 * </ul>
 *
 * <p>{@link dev.debias.metrics.GroupMetrics} is the immutable result, {@link
 * dev.debias.metrics.GroupMetricsAccumulator} builds it from batches with one small host copy per
 * batch, {@link dev.debias.metrics.GroupEvaluator} runs a model over a {@link
 * dev.debias.data.GroupedDataset}, {@link dev.debias.metrics.GroupAccuracy} and {@link
 * dev.debias.metrics.WorstGroupAccuracy} plug into DJL's training listeners, and {@link
 * dev.debias.metrics.GroupMetricsReport} writes tables, JSON and CSV.
 */
package dev.debias.metrics;
