package dev.debias.gan.cyclegan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A 4&times;4 transposed convolution of stride 2 that doubles the spatial size (TensorFlow's
 * {@code Conv2DTranspose(f, 4, strides=2, padding="same")}), built from ops DJL's PyTorch engine
 * has: DJL 0.35's PyTorch engine does not implement {@code deconvolution}.
 *
 * <p>A transposed convolution is a convolution of the zero-dilated input: the input's pixels are
 * spread to the even positions of a {@code 2H x 2W} map (zeros in between), padded by 2 before and
 * 1 after, and convolved with a 4&times;4 kernel of stride 1. The learned kernel is the transposed
 * convolution's kernel flipped and with its channel axes swapped, so the two describe the same
 * functions; only loading weights saved by another framework would need the flip. The dilated
 * map costs four times the multiply-adds of a native kernel on these layers.
 */
final class TransposedConvolution extends AbstractBlock {

    private final Conv2d conv;

    TransposedConvolution(int filters, boolean bias) {
        this.conv = addChildBlock(
                "conv", Conv2d.builder().setFilters(filters).setKernelShape(new Shape(4, 4)).optBias(bias).build());
    }

    /** Spreads {@code [B, C, H, W]} to the even positions of {@code [B, C, 2H, 2W]}, padded (2, 1). */
    static NDArray dilate(NDArray x) {
        Shape s = x.getShape();
        long b = s.get(0);
        long c = s.get(1);
        long h = s.get(2);
        long w = s.get(3);
        NDArray wide = NDArrays.stack(new NDList(x, x.zerosLike()), 4).reshape(b, c, h, 2 * w);
        NDArray tall = NDArrays.stack(new NDList(wide, wide.zerosLike()), 3).reshape(b, c, 2 * h, 2 * w);
        return tall.pad(new Shape(2, 1, 2, 1), 0);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        return conv.forward(parameterStore, new NDList(dilate(inputs.singletonOrThrow())), training, params);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return conv.getOutputShapes(new Shape[] {dilatedShape(s)});
    }

    private static Shape dilatedShape(Shape s) {
        return new Shape(s.get(0), s.get(1), 2 * s.get(2) + 3, 2 * s.get(3) + 3);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        conv.initialize(manager, dataType, dilatedShape(inputShapes[0]));
    }
}
