/**
 * Learned subgroup augmentations: the {@link dev.debias.augment.SubgroupTranslator} interface of
 * CAMEL (Goel et al., "Model Patching", ICLR 2021) and {@link dev.debias.augment.TripletDataset},
 * the training set of CAMEL's stage 2 that stores every image with its two translations.
 */
package dev.debias.augment;
