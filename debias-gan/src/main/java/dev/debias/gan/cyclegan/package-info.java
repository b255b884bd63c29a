/**
 * CycleGAN subgroup translators: stage 1 of CAMEL (Goel, Gu, Li, Ré, "Model Patching: Closing the
 * Subgroup Performance Gap with Data Augmentation", ICLR 2021), after Zhu, Park, Isola, Efros,
 * "Unpaired Image-to-Image Translation using Cycle-Consistent Adversarial Networks", ICCV 2017.
 *
 * <p>{@link dev.debias.gan.cyclegan.CycleGanTrainer} trains the two {@link
 * dev.debias.gan.cyclegan.UnetGenerator U-Net generators} and two {@link
 * dev.debias.gan.cyclegan.PatchDiscriminator PatchGAN discriminators} between two subgroups of one
 * class, or of every class at once, with the adversarial losses of {@link
 * dev.debias.gan.cyclegan.AdversarialLoss}, cycle and identity terms, the replay {@link
 * dev.debias.gan.cyclegan.ImagePool} and the augmentations of {@link
 * dev.debias.gan.cyclegan.MnistAugmentation}, configured by {@link
 * dev.debias.gan.cyclegan.CycleGanConfig}. The result is a {@link
 * dev.debias.gan.cyclegan.CycleGanTranslator}, the {@link dev.debias.augment.SubgroupTranslator}
 * that CAMEL's stage 2 ({@link dev.debias.train.CamelTrainer}) consumes; its generators save and
 * load in DJL's parameter format. The exact losses, architectures and schedules are in
 * ALGORITHMS.md §5.
 */
package dev.debias.gan.cyclegan;
