package dev.debias.gan.cyclegan;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.initializer.NormalInitializer;

/**
 * The unconditional PatchGAN discriminator of CAMEL's CycleGAN (ALGORITHMS.md §5.3): {@code
 * down(64, no norm) - down(128) - down(256) - pad 1 - Conv(512, 4, valid, no bias) - BatchNorm -
 * LeakyReLU(0.3) - pad 1 - Conv(1, 4, valid, bias)}, giving patch logits (no sigmoid): 2&times;2 for
 * MNIST's 28&times;28 (with TensorFlow's asymmetric "same" padding on the 7&times;7 map), 30&times;30
 * for 256, 14&times;14 for 128, 26&times;26 for 224. Weights {@code N(0, 0.02)}; fully convolutional,
 * so any channel count and size of at least 28 works.
 */
public final class PatchDiscriminator extends SequentialBlock {

    /** Creates the discriminator. */
    public PatchDiscriminator() {
        add(CycleGanLayers.down(64, false));
        add(CycleGanLayers.down(128, true));
        add(CycleGanLayers.down(256, true));
        add(Conv2d.builder().setFilters(512).setKernelShape(new Shape(4, 4)).optPadding(new Shape(1, 1)).optBias(false).build());
        add(CycleGanLayers.kerasBatchNorm());
        add(x -> new NDList(Activation.leakyRelu(x.singletonOrThrow(), CycleGanLayers.LEAKY_SLOPE)));
        add(Conv2d.builder().setFilters(1).setKernelShape(new Shape(4, 4)).optPadding(new Shape(1, 1)).build());
        setInitializer(new NormalInitializer(0.02f), Parameter.Type.WEIGHT);
    }
}
