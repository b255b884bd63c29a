package dev.debias.gan.cyclegan;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;

/**
 * The pix2pix building blocks of CAMEL's CycleGAN (ALGORITHMS.md §5.2-5.3): strided 4&times;4
 * convolutions with TensorFlow's "same" padding and no bias, Keras' BatchNorm (momentum 0.99,
 * epsilon 1e-3) and LeakyReLU with Keras' default slope 0.3.
 */
final class CycleGanLayers {

    /** Keras' LeakyReLU slope, not pix2pix' 0.2. */
    static final float LEAKY_SLOPE = 0.3f;

    private CycleGanLayers() {}

    static BatchNorm kerasBatchNorm() {
        return BatchNorm.builder().optMomentum(0.99f).optEpsilon(1e-3f).build();
    }

    /** {@code Conv(f, 4, stride 2, same, no bias) -> [BatchNorm] -> LeakyReLU(0.3)}. */
    static Block down(int filters, boolean norm) {
        SequentialBlock block = new SequentialBlock();
        block.add(new SamePadding(4, 2));
        block.add(Conv2d.builder().setFilters(filters).setKernelShape(new Shape(4, 4)).optStride(new Shape(2, 2)).optBias(false).build());
        if (norm) {
            block.add(kerasBatchNorm());
        }
        block.add(x -> new ai.djl.ndarray.NDList(Activation.leakyRelu(x.singletonOrThrow(), LEAKY_SLOPE)));
        return block;
    }

    /** {@code ConvTranspose(f, 4, stride 2, same, no bias) -> BatchNorm -> [Dropout 0.5] -> ReLU}. */
    static Block up(int filters, boolean dropout) {
        SequentialBlock block = new SequentialBlock();
        block.add(transpose(filters, false));
        block.add(kerasBatchNorm());
        if (dropout) {
            block.add(Dropout.builder().optRate(0.5f).build());
        }
        block.add(Activation.reluBlock());
        return block;
    }

    /** A 4&times;4 transposed convolution of stride 2 that doubles the size ("same"). */
    static Block transpose(int filters, boolean bias) {
        return new TransposedConvolution(filters, bias);
    }
}
