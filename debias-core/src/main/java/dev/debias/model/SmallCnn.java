package dev.debias.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;

import java.util.Arrays;

/**
 * A small convolutional network for small images of any size: a stack of {@code Conv2d (no bias) ->
 * BatchNorm -> ReLU [-> 2x2 max-pool]} stages, global average pooling, and a {@code Linear}
 * classifier. The features are the pooled {@code [B, channels[last]]} vector.
 *
 * <ul>
 *   <li>{@link #builder()} defaults: channels {@code 32, 64}, 3 x 3 kernels, stride 1, padding 1,
 *       max-pool after every stage (28 x 28 becomes 14 x 14, then 7 x 7).
 *   <li>{@link #dcwp()}: the Colored MNIST CNN of DCWP (Park et al., CVPR 2023): channels {@code
 *       64, 128, 256}, 4 x 4 kernels, stride 2, padding 1, no max-pool; input in {@code [0, 1]}
 *       without further scaling.
 * </ul>
 *
 * <p>Convolutions and the classifier get PyTorch's default initialisation ({@link
 * PyTorchInit#applyDefaults}); BatchNorm keeps {@code gamma = 1}, {@code beta = 0}, momentum and
 * epsilon equal to PyTorch's defaults. Input: {@code [B, C, H, W]}; the number of input channels is
 * taken from the input shape at initialisation.
 */
public final class SmallCnn extends Backbone {

    private final int[] channels;

    private SmallCnn(Builder builder, int[] channels) {
        super(
                features(builder, channels),
                Linear.builder().setUnits(builder.numClasses).build(),
                channels[channels.length - 1],
                builder.numClasses);
        this.channels = channels;
        PyTorchInit.applyDefaults(this);
    }

    /**
     * Returns a builder with the default layout (channels {@code 32, 64}, 3 x 3, stride 1, padding
     * 1, max-pool); the number of classes is required.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns a builder preset to DCWP's Colored MNIST CNN with 10 classes.
     *
     * @return a preset builder
     */
    public static Builder dcwp() {
        return new Builder()
                .setNumClasses(10)
                .optChannels(64, 128, 256)
                .optKernelSize(4)
                .optStride(2)
                .optPadding(1)
                .optMaxPool(false);
    }

    /**
     * Returns the output channels of the convolution stages.
     *
     * @return a copy of the channel counts
     */
    public int[] getChannels() {
        return channels.clone();
    }

    private static SequentialBlock features(Builder b, int[] channels) {
        SequentialBlock block = new SequentialBlock();
        for (int c : channels) {
            block.add(
                    Conv2d.builder()
                            .setFilters(c)
                            .setKernelShape(new Shape(b.kernelSize, b.kernelSize))
                            .optStride(new Shape(b.stride, b.stride))
                            .optPadding(new Shape(b.padding, b.padding))
                            .optBias(false)
                            .build());
            block.add(BatchNorm.builder().build());
            block.add(Activation.reluBlock());
            if (b.maxPool) {
                block.add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
            }
        }
        block.add(Pool.globalAvgPool2dBlock());
        block.add(Blocks.batchFlattenBlock());
        return block;
    }

    /** Builds a {@link SmallCnn}. */
    public static final class Builder {

        private int numClasses;
        private int[] channels = {32, 64};
        private int kernelSize = 3;
        private int stride = 1;
        private int padding = 1;
        private boolean maxPool = true;

        Builder() {}

        /**
         * Sets the number of classes.
         *
         * @param numClasses the width of the logits
         * @return this builder
         */
        public Builder setNumClasses(int numClasses) {
            this.numClasses = numClasses;
            return this;
        }

        /**
         * Sets the output channels of the stages, one stage per entry (default {@code 32, 64}).
         *
         * @param channels the channel counts
         * @return this builder
         */
        public Builder optChannels(int... channels) {
            this.channels = channels.clone();
            return this;
        }

        /**
         * Sets the square kernel size of every convolution (default 3).
         *
         * @param kernelSize the kernel size
         * @return this builder
         */
        public Builder optKernelSize(int kernelSize) {
            this.kernelSize = kernelSize;
            return this;
        }

        /**
         * Sets the stride of every convolution (default 1).
         *
         * @param stride the stride
         * @return this builder
         */
        public Builder optStride(int stride) {
            this.stride = stride;
            return this;
        }

        /**
         * Sets the zero padding of every convolution (default 1).
         *
         * @param padding the padding on each side
         * @return this builder
         */
        public Builder optPadding(int padding) {
            this.padding = padding;
            return this;
        }

        /**
         * Sets whether a 2 x 2, stride-2 max-pool follows every stage (default true).
         *
         * @param maxPool whether to pool
         * @return this builder
         */
        public Builder optMaxPool(boolean maxPool) {
            this.maxPool = maxPool;
            return this;
        }

        /**
         * Builds the network.
         *
         * @return the network, not yet initialised
         */
        public SmallCnn build() {
            requireNumClasses(numClasses);
            if (channels.length == 0 || Arrays.stream(channels).anyMatch(c -> c < 1)) {
                throw new IllegalArgumentException(
                        "channels must be one or more positive counts, got "
                                + Arrays.toString(channels));
            }
            if (kernelSize < 1 || stride < 1 || padding < 0) {
                throw new IllegalArgumentException(
                        "invalid convolution geometry: kernel "
                                + kernelSize
                                + ", stride "
                                + stride
                                + ", padding "
                                + padding);
            }
            return new SmallCnn(this, channels.clone());
        }
    }
}
