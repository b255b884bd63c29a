package dev.debias.augment;

import ai.djl.ndarray.NDArray;

/**
 * Translates images of one class from one subgroup (bias attribute) to another: the learned
 * augmentation of CAMEL (Goel et al., "Model Patching: Closing the Subgroup Performance Gap with
 * Data Augmentation", ICLR 2021), whose stage 1 trains a CycleGAN per class ({@code
 * dev.debias.gan.CycleGanTranslator} implements this interface) and whose stage 2 ({@link
 * dev.debias.train.CamelTrainer}) depends on this interface only.
 *
 * <p>Images are NCHW float32 in [0, 1] (the scale of Debias' uint8 image datasets), and so is the
 * result. CAMEL applies both directions of a pair to every image whatever its subgroup; a
 * translator therefore accepts images of any subgroup of the class (for an image already in
 * {@code to}, a CycleGAN returns a near-identity reconstruction).
 */
public interface SubgroupTranslator {

    /**
     * Returns whether this translator maps class {@code label} from subgroup {@code from} to
     * {@code to}.
     *
     * @param label the class
     * @param from the source attribute
     * @param to the target attribute
     * @return true if {@link #translate} accepts the three
     */
    boolean supports(int label, int from, int to);

    /**
     * Translates a batch of images of one class.
     *
     * @param images {@code [B, C, H, W]} in [0, 1]
     * @param label the class of every image
     * @param from the subgroup the translation starts from
     * @param to the subgroup it renders the images in
     * @return the translations, {@code [B, C, H, W]} in [0, 1], on the images' manager
     * @throws IllegalArgumentException if the translator was not trained for the class or the
     *     pair (naming them), or the images have a size or channel count it cannot take
     */
    NDArray translate(NDArray images, int label, int from, int to);
}
