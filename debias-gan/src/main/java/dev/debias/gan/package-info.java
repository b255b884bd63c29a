/**
 * Generative and feature-augmentation debiasing methods: DisEnt's disentangled feature swap (Lee
 * et al., "Learning Debiased Representation via Disentangled Feature Augmentation", NeurIPS 2021:
 * {@link dev.debias.gan.DisEntModel}, {@link dev.debias.gan.DisEntTrainer}). The CycleGAN subgroup
 * translators of CAMEL's stage 1 (Goel et al., "Model Patching: Closing the Subgroup Performance
 * Gap with Data Augmentation", ICLR 2021) are in {@link dev.debias.gan.cyclegan}.
 */
package dev.debias.gan;
