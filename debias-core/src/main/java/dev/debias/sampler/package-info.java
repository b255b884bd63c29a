/**
 * Seeded, resumable DJL {@link ai.djl.training.dataset.Sampler}s for the sampling schemes of the
 * debiasing literature, which DJL lacks.
 *
 * <ul>
 *   <li>{@link dev.debias.sampler.ShuffleSampler}: uniform reshuffling each epoch (ERM);
 *   <li>{@link dev.debias.sampler.WeightedSampler}: weighted draws with replacement, including the
 *       up-weighting of mined samples of Park et al., "Training Debiased Subnetworks with
 *       Contrastive Weight Pruning" (CVPR 2023);
 *   <li>{@link dev.debias.sampler.GroupBalancedSampler}: group-balanced reweighting of Sagawa et
 *       al., "Distributionally Robust Neural Networks for Group Shifts" (ICLR 2020);
 *   <li>{@link dev.debias.sampler.UpweightSampler}: the error-set up-sampling of Liu et al., "Just
 *       Train Twice: Improving Group Robustness without Training Group Information" (ICML 2021).
 * </ul>
 *
 * <p>Each sampler owns its seed and derives one random stream per epoch from it ({@link
 * dev.debias.sampler.EpochSampler}), so a run is repeatable and can resume at any epoch with the
 * same index stream.
 */
package dev.debias.sampler;
