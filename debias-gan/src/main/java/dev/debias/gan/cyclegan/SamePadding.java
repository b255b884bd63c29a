package dev.debias.gan.cyclegan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Zero padding of TensorFlow's {@code padding="same"} for a strided convolution: {@code total =
 * max((ceil(n / s) - 1) s + k - n, 0)} pixels per spatial axis, {@code floor(total / 2)} before and
 * the rest after. For even sizes with kernel 4 and stride 2 this is one pixel on each side; for the
 * 7&times;7 map of the MNIST discriminator's third block it is 1 before and 2 after (ALGORITHMS.md
 * §15.2), which a symmetric padding cannot express.
 */
final class SamePadding extends AbstractBlock {

    private final int kernel;
    private final int stride;

    SamePadding(int kernel, int stride) {
        this.kernel = kernel;
        this.stride = stride;
    }

    static int[] pads(long size, int kernel, int stride) {
        long out = (size + stride - 1) / stride;
        long total = Math.max((out - 1) * stride + kernel - size, 0);
        return new int[] {(int) (total / 2), (int) (total - total / 2)};
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        Shape s = x.getShape();
        int[] h = pads(s.get(2), kernel, stride);
        int[] w = pads(s.get(3), kernel, stride);
        if (h[0] == 0 && h[1] == 0 && w[0] == 0 && w[1] == 0) {
            return new NDList(x);
        }
        return new NDList(x.pad(new Shape(w[0], w[1], h[0], h[1]), 0));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        int[] h = pads(s.get(2), kernel, stride);
        int[] w = pads(s.get(3), kernel, stride);
        return new Shape[] {new Shape(s.get(0), s.get(1), s.get(2) + h[0] + h[1], s.get(3) + w[0] + w[1])};
    }

    @Override
    protected void initializeChildBlocks(ai.djl.ndarray.NDManager manager, DataType dataType, Shape... inputShapes) {}
}
