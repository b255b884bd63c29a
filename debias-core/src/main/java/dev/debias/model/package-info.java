/**
 * Backbone networks of the debiasing references as DJL blocks, with the initialisation of the
 * frameworks they were written in.
 *
 * <ul>
 *   <li>{@link dev.debias.model.ColoredMnistMlp}: the Colored MNIST MLP of Nam et al., "Learning
 *       from Failure: Training Debiased Classifier from Biased Classifier" (NeurIPS 2020), and of
 *       Lee et al., "Learning Debiased Representation via Disentangled Feature Augmentation"
 *       (NeurIPS 2021), including their divide-by-255-inside-the-model quirk;
 *   <li>{@link dev.debias.model.SmallCnn}: a small CNN, with a preset for the Colored MNIST CNN of
 *       Park et al., "Training Debiased Subnetworks with Contrastive Weight Pruning" (CVPR 2023);
 *   <li>{@link dev.debias.model.ResNet18}: ResNet-18 of He et al., "Deep Residual Learning for
 *       Image Recognition" (CVPR 2016), in torchvision's layout;
 *   <li>{@link dev.debias.model.KaimingInitializer} and {@link dev.debias.model.PyTorchInit}: the
 *       initialisation of He et al., "Delving Deep into Rectifiers" (ICCV 2015), with PyTorch's fan
 *       and gain conventions, and PyTorch's layer defaults.
 * </ul>
 *
 * <p>Every backbone is a {@link dev.debias.model.Backbone}: a feature extractor followed by a
 * classifier, both reachable on their own; {@link dev.debias.model.Backbones} creates them by name.
 */
package dev.debias.model;
