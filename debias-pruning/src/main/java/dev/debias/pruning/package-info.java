/**
 * Debiased contrastive weight pruning (Park et al., "Training Debiased Subnetworks with
 * Contrastive Weight Pruning", CVPR 2023). Not implemented yet; the module builds so that
 * applications can depend on the full reactor.
 */
package dev.debias.pruning;
