/**
 * Debiased contrastive weight pruning (DCWP; Park et al., "Training Debiased Subnetworks with
 * Contrastive Weight Pruning", CVPR 2023): {@link dev.debias.pruning.MaskedNetwork} (a learnable
 * score per weight of any backbone, sampled straight-through or fixed masks), {@link
 * dev.debias.pruning.DebiasedContrastiveLoss}, mining of bias-conflicting samples ({@link
 * dev.debias.pruning.MiningConfig}, {@link dev.debias.pruning.MinedSet}), the four-phase {@link
 * dev.debias.pruning.DcwpTrainer} and the export of a pruned model in DJL's format ({@link
 * dev.debias.pruning.PrunedModels}).
 */
package dev.debias.pruning;
