/**
 * Generative debiasing methods: CycleGAN subgroup translators for CAMEL's stage 1 (Goel et al.,
 * "Model Patching: Closing the Subgroup Performance Gap with Data Augmentation", ICLR 2021) and
 * DisEnt's disentangled feature swap (Lee et al., NeurIPS 2021). Not implemented yet; the module
 * builds so that applications can depend on the full reactor.
 */
package dev.debias.gan;
