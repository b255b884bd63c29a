package dev.debias.gan.cyclegan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;

import java.util.ArrayList;
import java.util.List;

/**
 * The U-Net generator of CAMEL's CycleGAN (pix2pix style; Goel et al., "Model Patching", ICLR
 * 2021; ALGORITHMS.md §5.2). Input and output are NCHW images in [-1, 1].
 *
 * <p>The input is zero-padded to the power of two the layout needs (and the output cropped back),
 * then passes strided {@code down} blocks; after each {@code up} block the output is concatenated
 * with the mirror {@code down} block's ({@code [upsampled, skip]}); the deepest down block is not a
 * skip, and up blocks beyond the number of skips are unused (the MNIST layout declares five and
 * uses four). A last 4&times;4 transposed convolution with bias and {@code tanh} gives the image.
 * Convolution weights are drawn from {@code N(0, 0.02)}.
 *
 * <ul>
 *   <li>{@link #mnist(int)}: 28&times;28 (1 channel for MNIST, 3 for Colored MNIST), padded by 2 to 32; downs 32 (no norm), 64, 128, 256,
 *       512; ups 256, 128, 64, 32; last 16 &rarr; 1 channel.
 *   <li>{@link #rgb128()}: 128&times;128&times;3 (CelebA); downs 64 (no norm), 128, 256, 512 x 4;
 *       ups 512 (dropout) x 2, 512, 256, 128, 64.
 *   <li>{@link #rgb256(int)}: up to 256&times;256&times;3 (Waterbirds 224, padded by 16); downs 64
 *       (no norm), 128, 256, 512 x 5; ups 512 (dropout) x 3, 512, 256, 128, 64.
 * </ul>
 */
public final class UnetGenerator extends AbstractBlock {

    private final int size;
    private final int channels;
    private final int padding;
    private final List<Block> downs = new ArrayList<>();
    private final List<Block> ups = new ArrayList<>();
    private final Block last;

    private UnetGenerator(int size, int channels, int padded, int[] down, int[] up, int dropoutUps) {
        this.size = size;
        this.channels = channels;
        this.padding = (padded - size) / 2;
        for (int i = 0; i < down.length; i++) {
            downs.add(addChildBlock("down" + i, CycleGanLayers.down(down[i], i > 0)));
        }
        int used = down.length - 1;
        for (int i = 0; i < used; i++) {
            ups.add(addChildBlock("up" + i, CycleGanLayers.up(up[i], i < dropoutUps)));
        }
        this.last = addChildBlock("last", CycleGanLayers.transpose(channels, true));
        setInitializer(new NormalInitializer(0.02f), Parameter.Type.WEIGHT);
    }

    /**
     * Returns the MNIST generator (28&times;28, one channel).
     *
     * @return the generator
     */
    public static UnetGenerator mnist() {
        return mnist(1);
    }

    /**
     * Returns the MNIST-layout generator for 28&times;28 images of any channel count (Colored
     * MNIST: 3).
     *
     * @param channels the channels
     * @return the generator
     */
    public static UnetGenerator mnist(int channels) {
        if (channels < 1) {
            throw new IllegalArgumentException("channels must be positive, got " + channels);
        }
        return new UnetGenerator(28, channels, 32, new int[] {32, 64, 128, 256, 512}, new int[] {256, 128, 64, 32}, 0);
    }

    /**
     * Returns the 128&times;128 RGB generator (CelebA).
     *
     * @return the generator
     */
    public static UnetGenerator rgb128() {
        return new UnetGenerator(
                128, 3, 128, new int[] {64, 128, 256, 512, 512, 512, 512}, new int[] {512, 512, 512, 256, 128, 64}, 2);
    }

    /**
     * Returns the RGB generator padded to 256&times;256 (Waterbirds: 224).
     *
     * @param size the input side, even, at most 256
     * @return the generator
     */
    public static UnetGenerator rgb256(int size) {
        if (size < 2 || size > 256 || size % 2 != 0) {
            throw new IllegalArgumentException("the 256 generator takes an even side up to 256, got " + size);
        }
        return new UnetGenerator(
                size, 3, 256, new int[] {64, 128, 256, 512, 512, 512, 512, 512}, new int[] {512, 512, 512, 512, 256, 128, 64}, 3);
    }

    /**
     * Returns the generator for images of a shape: {@link #mnist(int)} for 28&times;28 with any
     * channel count, {@link #rgb128()} for 3&times;128&times;128, {@link #rgb256(int)} for other
     * even RGB sides from 32 to 256.
     *
     * @param imageShape {@code (C, H, W)}
     * @return the generator
     * @throws IllegalArgumentException for any other shape, naming it
     */
    public static UnetGenerator forImages(Shape imageShape) {
        if (imageShape.dimension() != 3 || imageShape.get(1) != imageShape.get(2)) {
            throw new IllegalArgumentException("a CycleGAN generator needs square images (C, H, W), got " + imageShape);
        }
        long c = imageShape.get(0);
        long side = imageShape.get(1);
        if (side == 28) {
            return mnist((int) c);
        }
        if (c == 3 && side == 128) {
            return rgb128();
        }
        if (c == 3 && side >= 32 && side <= 256 && side % 2 == 0) {
            return rgb256((int) side);
        }
        throw new IllegalArgumentException(
                "no CycleGAN generator for images " + imageShape + ": it takes C x 28 x 28 (MNIST layout) or 3 x S x S RGB with even S in [32, 256]");
    }

    /**
     * Returns the image shape {@code (C, H, W)} the generator takes.
     *
     * @return the shape
     */
    public Shape imageShape() {
        return new Shape(channels, size, size);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        checkInput(x.getShape());
        if (padding > 0) {
            x = x.pad(new Shape(padding, padding, padding, padding), 0);
        }
        List<NDArray> skips = new ArrayList<>();
        for (Block down : downs) {
            x = down.forward(parameterStore, new NDList(x), training, params).singletonOrThrow();
            skips.add(x);
        }
        for (int i = 0; i < ups.size(); i++) {
            x = ups.get(i).forward(parameterStore, new NDList(x), training, params).singletonOrThrow();
            x = NDArrays.concat(new NDList(x, skips.get(skips.size() - 2 - i)), 1);
        }
        x = last.forward(parameterStore, new NDList(x), training, params).singletonOrThrow().tanh();
        if (padding > 0) {
            x = x.get(new NDIndex(":, :, {}:{}, {}:{}", padding, padding + size, padding, padding + size));
        }
        return new NDList(x);
    }

    private void checkInput(Shape shape) {
        if (shape.dimension() != 4 || shape.get(1) != channels || shape.get(2) != size || shape.get(3) != size) {
            throw new IllegalArgumentException(
                    "this generator takes images [B, " + channels + ", " + size + ", " + size + "], got " + shape);
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[0];
        checkInput(x);
        long side = x.get(2) + 2L * padding;
        x = new Shape(x.get(0), x.get(1), side, side);
        List<Shape> skipShapes = new ArrayList<>();
        for (Block down : downs) {
            down.initialize(manager, dataType, x);
            x = down.getOutputShapes(new Shape[] {x})[0];
            skipShapes.add(x);
        }
        for (int i = 0; i < ups.size(); i++) {
            ups.get(i).initialize(manager, dataType, x);
            x = ups.get(i).getOutputShapes(new Shape[] {x})[0];
            Shape skip = skipShapes.get(skipShapes.size() - 2 - i);
            x = new Shape(x.get(0), x.get(1) + skip.get(1), x.get(2), x.get(3));
        }
        last.initialize(manager, dataType, x);
    }
}
