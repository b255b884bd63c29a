package dev.debias.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;

import dev.debias.ndarray.Scalars;

import java.util.Arrays;

/**
 * The fully connected network of the Colored MNIST experiments of LfF (Nam et al., NeurIPS 2020)
 * and DisEnt (Lee et al., NeurIPS 2021): flatten, optional input scaling, hidden {@code Linear +
 * ReLU} layers, and a {@code Linear} classifier.
 *
 * <ul>
 *   <li>{@link #lff()}: {@code 2352 -> 100 -> 100 -> 100 -> 10}, ReLU after every hidden layer.
 *   <li>{@link #disent()}: {@code 2352 -> 100 -> 100 -> 16 -> 10}; also DisEnt's encoder, whose
 *       16-d features it concatenates.
 * </ul>
 *
 * <p><b>Input scaling.</b> Both references divide the flattened input by 255 <em>inside</em> the
 * model although their loaders already produce {@code [0, 1]}, so the first layer sees values in
 * {@code [0, 1/255]} (ALGORITHMS.md §14.5). The presets reproduce this with an input scale of
 * {@code 1/255}; a builder started with {@link #builder()} applies no scaling unless {@link
 * Builder#optInputScale(float)} says so.
 *
 * <p><b>Initialisation.</b> Every {@code Linear} gets PyTorch's default ({@link
 * PyTorchInit#applyDefaults}): weights Kaiming-uniform with {@code a = sqrt(5)}, biases {@code
 * U(+-1/sqrt(fan_in))}. Seed it with {@code Engine.getInstance().setRandomSeed(seed)}.
 *
 * <p>Input: {@code [B, C, H, W]} or {@code [B, inputSize]}; anything whose per-sample size is not
 * {@code inputSize} is rejected. Features: the output of the last hidden ReLU, {@code [B,
 * hidden[last]]}.
 */
public final class ColoredMnistMlp extends Backbone {

    /** Flattened size of a 3 x 28 x 28 Colored MNIST image. */
    public static final int COLORED_MNIST_INPUT_SIZE = 3 * 28 * 28;

    private final int inputSize;
    private final float inputScale;
    private final int[] hiddenSizes;

    private ColoredMnistMlp(Builder builder, int[] hidden) {
        super(
                features(builder.inputSize, builder.inputScale, hidden),
                Linear.builder().setUnits(builder.numClasses).build(),
                hidden[hidden.length - 1],
                builder.numClasses);
        this.inputSize = builder.inputSize;
        this.inputScale = builder.inputScale;
        this.hiddenSizes = hidden;
        PyTorchInit.applyDefaults(this);
    }

    /**
     * Returns a builder with no preset: hidden sizes and number of classes are required, the input
     * size defaults to {@value #COLORED_MNIST_INPUT_SIZE} and the input scale to 1.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns a builder preset to LfF's Colored MNIST network: {@code 2352 -> 100 -> 100 -> 100 ->
     * 10}, input scale {@code 1/255}.
     *
     * @return a preset builder
     */
    public static Builder lff() {
        return new Builder()
                .setHiddenSizes(100, 100, 100)
                .setNumClasses(10)
                .optInputScale(1f / 255f);
    }

    /**
     * Returns a builder preset to DisEnt's Colored MNIST network: {@code 2352 -> 100 -> 100 -> 16
     * -> 10}, input scale {@code 1/255}.
     *
     * @return a preset builder
     */
    public static Builder disent() {
        return new Builder()
                .setHiddenSizes(100, 100, 16)
                .setNumClasses(10)
                .optInputScale(1f / 255f);
    }

    /**
     * Returns the per-sample input size the network expects.
     *
     * @return the flattened input size
     */
    public int getInputSize() {
        return inputSize;
    }

    /**
     * Returns the factor the flattened input is multiplied by before the first layer.
     *
     * @return the input scale (1 means none)
     */
    public float getInputScale() {
        return inputScale;
    }

    /**
     * Returns the widths of the hidden layers.
     *
     * @return a copy of the hidden sizes
     */
    public int[] getHiddenSizes() {
        return hiddenSizes.clone();
    }

    private static SequentialBlock features(int inputSize, float inputScale, int[] hidden) {
        SequentialBlock block = new SequentialBlock();
        block.add(LambdaBlock.singleton(x -> flattenAndScale(x, inputSize, inputScale), "flatten"));
        for (int width : hidden) {
            block.add(Linear.builder().setUnits(width).build());
            block.add(Activation.reluBlock());
        }
        return block;
    }

    private static NDArray flattenAndScale(NDArray x, int inputSize, float inputScale) {
        Shape shape = x.getShape();
        if (shape.dimension() < 2 || shape.slice(1).size() != inputSize) {
            throw new IllegalArgumentException(
                    "ColoredMnistMlp expects [B, "
                            + inputSize
                            + "] or a batch of samples of "
                            + inputSize
                            + " values, got shape "
                            + shape);
        }
        NDArray flat = x.reshape(shape.get(0), inputSize);
        return inputScale == 1f ? flat : Scalars.mul(flat, inputScale);
    }

    /** Builds a {@link ColoredMnistMlp}. */
    public static final class Builder {

        private int[] hiddenSizes;
        private int numClasses;
        private int inputSize = COLORED_MNIST_INPUT_SIZE;
        private float inputScale = 1f;

        Builder() {}

        /**
         * Sets the widths of the hidden layers (each followed by a ReLU); at least one.
         *
         * @param sizes the hidden sizes
         * @return this builder
         */
        public Builder setHiddenSizes(int... sizes) {
            this.hiddenSizes = sizes.clone();
            return this;
        }

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
         * Sets the per-sample input size (default {@value
         * ColoredMnistMlp#COLORED_MNIST_INPUT_SIZE}).
         *
         * @param inputSize the flattened size of one sample
         * @return this builder
         */
        public Builder optInputSize(int inputSize) {
            this.inputSize = inputSize;
            return this;
        }

        /**
         * Sets the factor the flattened input is multiplied by (default 1; the presets use {@code
         * 1/255}, the LfF/DisEnt quirk).
         *
         * @param inputScale the scale, positive and finite
         * @return this builder
         */
        public Builder optInputScale(float inputScale) {
            this.inputScale = inputScale;
            return this;
        }

        /**
         * Builds the network.
         *
         * @return the network, not yet initialised
         */
        public ColoredMnistMlp build() {
            if (hiddenSizes == null || hiddenSizes.length == 0) {
                throw new IllegalArgumentException(
                        "at least one hidden layer is required (setHiddenSizes)");
            }
            for (int i = 0; i < hiddenSizes.length; i++) {
                if (hiddenSizes[i] < 1) {
                    throw new IllegalArgumentException(
                            "hidden size "
                                    + i
                                    + " must be positive, got "
                                    + Arrays.toString(hiddenSizes));
                }
            }
            requireNumClasses(numClasses);
            if (inputSize < 1) {
                throw new IllegalArgumentException("input size must be positive, got " + inputSize);
            }
            if (!(inputScale > 0f) || Float.isInfinite(inputScale)) {
                throw new IllegalArgumentException(
                        "input scale must be positive and finite, got " + inputScale);
            }
            return new ColoredMnistMlp(this, hiddenSizes.clone());
        }
    }
}
