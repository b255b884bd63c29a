package dev.debias.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;

/**
 * ResNet-18 (He et al., "Deep Residual Learning for Image Recognition", CVPR 2016) in the layout of
 * torchvision's {@code resnet18}: a stem, four stages of two {@code BasicBlock}s with 64, 128, 256
 * and 512 channels (stages 2-4 halve the resolution in their first unit, with a {@code 1 x 1}
 * projection shortcut), global average pooling to the 512-d feature vector, and a {@code Linear}
 * classifier. With 1000 classes and the ImageNet stem it has 11,689,512 trainable parameters, as
 * torchvision's.
 *
 * <p>Stems:
 *
 * <ul>
 *   <li>{@link Stem#IMAGENET}: {@code 7 x 7} stride-2 convolution, BatchNorm, ReLU, {@code 3 x 3}
 *       stride-2 max-pool; the torchvision stem, used by DisEnt and DCWP even for 32 x 32 inputs.
 *   <li>{@link Stem#SMALL}: {@code 3 x 3} stride-1 convolution, BatchNorm, ReLU, no max-pool; the
 *       usual adaptation for 28 x 28 or 32 x 32 images.
 * </ul>
 *
 * <p>Initialisation as torchvision's: convolutions Kaiming-normal with fan-out and ReLU gain,
 * BatchNorm {@code gamma = 1}, {@code beta = 0}, the classifier PyTorch's {@code nn.Linear}
 * default. Random initialisation only; no pretrained weights are loaded here.
 */
public final class ResNet18 extends Backbone {

    /** The width of the pooled feature vector. */
    public static final int FEATURE_DIMENSION = 512;

    private static final int[] STAGE_CHANNELS = {64, 128, 256, 512};

    /** The input stem. */
    public enum Stem {
        /**
         * {@code 7 x 7} stride-2 convolution and {@code 3 x 3} stride-2 max-pool (for 224 x 224).
         */
        IMAGENET,
        /** {@code 3 x 3} stride-1 convolution, no max-pool (for 28 x 28 and 32 x 32). */
        SMALL
    }

    private final Stem stem;

    private ResNet18(int numClasses, Stem stem) {
        super(
                features(stem),
                Linear.builder().setUnits(numClasses).build(),
                FEATURE_DIMENSION,
                numClasses);
        this.stem = stem;
        PyTorchInit.applyDefaults(this);
        PyTorchInit.applyToConvolutionWeights(this, KaimingInitializer.reluFanOut());
    }

    /**
     * Returns a ResNet-18 with the given stem.
     *
     * @param numClasses the number of classes
     * @param stem the input stem
     * @return the network, not yet initialised
     */
    public static ResNet18 create(int numClasses, Stem stem) {
        requireNumClasses(numClasses);
        return new ResNet18(numClasses, java.util.Objects.requireNonNull(stem, "stem"));
    }

    /**
     * Returns a ResNet-18 with torchvision's ImageNet stem.
     *
     * @param numClasses the number of classes
     * @return the network, not yet initialised
     */
    public static ResNet18 imagenet(int numClasses) {
        return create(numClasses, Stem.IMAGENET);
    }

    /**
     * Returns a ResNet-18 with the small-image stem.
     *
     * @param numClasses the number of classes
     * @return the network, not yet initialised
     */
    public static ResNet18 small(int numClasses) {
        return create(numClasses, Stem.SMALL);
    }

    /**
     * Returns the stem of this network.
     *
     * @return the stem
     */
    public Stem getStem() {
        return stem;
    }

    private static SequentialBlock features(Stem stem) {
        SequentialBlock block = new SequentialBlock();
        if (stem == Stem.IMAGENET) {
            block.add(ResNetBasicBlock.conv(64, 7, 2, 3))
                    .add(BatchNorm.builder().build())
                    .add(Activation.reluBlock())
                    .add(Pool.maxPool2dBlock(new Shape(3, 3), new Shape(2, 2), new Shape(1, 1)));
        } else {
            block.add(ResNetBasicBlock.conv(64, 3, 1, 1))
                    .add(BatchNorm.builder().build())
                    .add(Activation.reluBlock());
        }
        int previous = 64;
        for (int stage = 0; stage < STAGE_CHANNELS.length; stage++) {
            int channels = STAGE_CHANNELS[stage];
            int stride = stage == 0 ? 1 : 2;
            block.add(new ResNetBasicBlock(channels, stride, stride != 1 || channels != previous));
            block.add(new ResNetBasicBlock(channels, 1, false));
            previous = channels;
        }
        block.add(Pool.globalAvgPool2dBlock());
        block.add(Blocks.batchFlattenBlock());
        return block;
    }
}
