package dev.debias.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.initializer.XavierInitializer;

/**
 * The "simple CNN" CAMEL trains on MNIST-Correlation (Goel et al., "Model Patching", ICLR 2021,
 * stage 2; ALGORITHMS.md §6.2): {@code Conv(32, 3x3, same) - ReLU - Conv(32, 3x3, valid) - ReLU -
 * MaxPool 2 - Dropout 0.25 - Conv(64, same) - ReLU - Conv(64, valid) - ReLU - MaxPool 2 - Dropout
 * 0.25 - Flatten - Dense 64 - ReLU - Dropout 0.5}, then the {@code Dense(numClasses)} classifier.
 * The features are the 64 units before the last dropout's output enters the classifier.
 *
 * <p>Keras' initialisation: Glorot-uniform kernels (DJL's {@link XavierInitializer}, uniform,
 * averaged fans, magnitude 3: {@code limit = sqrt(6 / (fanIn + fanOut))}) and zero biases. The
 * reference ends in a softmax; here the block returns logits and the losses apply the softmax.
 * Input {@code [B, 1, 28, 28]} in [0, 1].
 */
public final class CamelMnistCnn extends Backbone {

    /** The width of the features. */
    public static final int FEATURES = 64;

    /**
     * Creates the network.
     *
     * @param numClasses the number of classes (2 on MNIST-Correlation)
     */
    public CamelMnistCnn(int numClasses) {
        super(features(), Linear.builder().setUnits(numClasses).build(), FEATURES, numClasses);
        XavierInitializer glorot =
                new XavierInitializer(XavierInitializer.RandomType.UNIFORM, XavierInitializer.FactorType.AVG, 3);
        setInitializer(glorot, Parameter.Type.WEIGHT);
        setInitializer(ai.djl.training.initializer.Initializer.ZEROS, Parameter.Type.BIAS);
    }

    private static SequentialBlock features() {
        SequentialBlock block = new SequentialBlock();
        stage(block, 32);
        stage(block, 64);
        block.add(Blocks.batchFlattenBlock());
        block.add(Linear.builder().setUnits(FEATURES).build());
        block.add(Activation.reluBlock());
        block.add(Dropout.builder().optRate(0.5f).build());
        return block;
    }

    private static void stage(SequentialBlock block, int filters) {
        block.add(conv(filters, 1));
        block.add(Activation.reluBlock());
        block.add(conv(filters, 0));
        block.add(Activation.reluBlock());
        block.add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
        block.add(Dropout.builder().optRate(0.25f).build());
    }

    private static Conv2d conv(int filters, int padding) {
        return Conv2d.builder()
                .setFilters(filters)
                .setKernelShape(new Shape(3, 3))
                .optPadding(new Shape(padding, padding))
                .build();
    }
}
