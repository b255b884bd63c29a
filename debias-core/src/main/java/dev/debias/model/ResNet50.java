package dev.debias.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;

/**
 * A standard ResNet-50 (He et al., "Deep Residual Learning for Image Recognition", CVPR 2016;
 * torchvision's v1.5, the stride in the 3&times;3 convolution of each bottleneck): the ImageNet
 * stem, stages of 3, 4, 6, 3 bottleneck units of widths 64, 128, 256, 512 (outputs four times
 * wider), global average pooling to 2,048 features and a linear classifier. Initialised like
 * torchvision (Kaiming-normal convolutions, fan-out), without pretrained weights.
 *
 * <p>CAMEL's stage 2 on Waterbirds and CelebA uses an ImageNet-pretrained <em>pre-activation</em>
 * ResNet-50 (ALGORITHMS.md §15.2); this standard, randomly initialised one is a substitute and a
 * deviation from that protocol.
 */
public final class ResNet50 extends Backbone {

    /** The width of the pooled feature vector. */
    public static final int FEATURE_DIMENSION = 2048;

    private static final int[] WIDTHS = {64, 128, 256, 512};
    private static final int[] UNITS = {3, 4, 6, 3};

    private ResNet50(int numClasses) {
        super(features(), Linear.builder().setUnits(numClasses).build(), FEATURE_DIMENSION, numClasses);
        PyTorchInit.applyDefaults(this);
        PyTorchInit.applyToConvolutionWeights(this, KaimingInitializer.reluFanOut());
    }

    /**
     * Creates the network.
     *
     * @param numClasses the number of classes
     * @return the network
     */
    public static ResNet50 create(int numClasses) {
        requireNumClasses(numClasses);
        return new ResNet50(numClasses);
    }

    private static SequentialBlock features() {
        SequentialBlock block = new SequentialBlock();
        block.add(ResNetBasicBlock.conv(64, 7, 2, 3))
                .add(BatchNorm.builder().build())
                .add(Activation.reluBlock())
                .add(Pool.maxPool2dBlock(new Shape(3, 3), new Shape(2, 2), new Shape(1, 1)));
        int previous = 64;
        for (int stage = 0; stage < WIDTHS.length; stage++) {
            int width = WIDTHS[stage];
            for (int unit = 0; unit < UNITS[stage]; unit++) {
                int stride = unit == 0 && stage > 0 ? 2 : 1;
                boolean project = unit == 0 && (stride != 1 || previous != width * ResNetBottleneckBlock.EXPANSION);
                block.add(new ResNetBottleneckBlock(width, stride, project));
                previous = width * ResNetBottleneckBlock.EXPANSION;
            }
        }
        block.add(Pool.globalAvgPool2dBlock());
        block.add(Blocks.batchFlattenBlock());
        return block;
    }
}
