package dev.debias.gan.cyclegan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A 4&times;4 transposed convolution of stride 2 and padding 1, which doubles the spatial size
 * (TensorFlow's {@code Conv2DTranspose(f, 4, strides=2, padding="same")} on even sizes), built
 * from ops DJL's PyTorch engine has: DJL 0.35's PyTorch engine does not implement {@code
 * deconvolution}.
 *
 * <p>Each output pixel of parity {@code (a, b)} (row and column even or odd) sees a 2&times;2 part
 * of the 4&times;4 kernel: rows {@code 2m} take kernel rows 3 and 1 over input rows {@code m - 1,
 * m}, rows {@code 2m + 1} kernel rows 2 and 0 over {@code m, m + 1}, and the same for columns. So
 * the block holds four 2&times;2 convolutions without bias ({@code sub00} ... {@code sub11}, one per
 * parity, over the input padded on the matching side), interleaves their outputs into the {@code
 * 2H x 2W} map and adds one bias per channel: exactly the transposed convolution, with its number
 * of parameters and multiply-adds (the 16 kernel taps are the four 2&times;2 kernels).
 */
final class TransposedConvolution extends AbstractBlock {

    private final Conv2d[] parts = new Conv2d[4];
    private final Parameter bias;

    TransposedConvolution(int filters, boolean withBias) {
        for (int a = 0; a < 2; a++) {
            for (int b = 0; b < 2; b++) {
                parts[2 * a + b] = addChildBlock(
                        "sub" + a + b,
                        Conv2d.builder().setFilters(filters).setKernelShape(new Shape(2, 2)).optBias(false).build());
            }
        }
        this.bias = withBias
                ? addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS).optShape(new Shape(filters)).build())
                : null;
    }

    /**
     * Pads the input for parity {@code (a, b)}: an even output row reads input rows {@code m - 1}
     * and {@code m} (pad one row before), an odd one rows {@code m} and {@code m + 1} (pad after).
     */
    static NDArray padFor(NDArray x, int a, int b) {
        // pad order: last axis (before, after), then the one before it
        return x.pad(new Shape(b == 0 ? 1 : 0, b == 0 ? 0 : 1, a == 0 ? 1 : 0, a == 0 ? 0 : 1), 0);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray[] y = new NDArray[4];
        for (int a = 0; a < 2; a++) {
            for (int b = 0; b < 2; b++) {
                y[2 * a + b] = parts[2 * a + b].forward(parameterStore, new NDList(padFor(x, a, b)), training, params).singletonOrThrow();
            }
        }
        Shape s = y[0].getShape();
        long n = s.get(0);
        long c = s.get(1);
        long h = s.get(2);
        long w = s.get(3);
        NDArray even = NDArrays.stack(new NDList(y[0], y[1]), 4).reshape(n, c, h, 2 * w);
        NDArray odd = NDArrays.stack(new NDList(y[2], y[3]), 4).reshape(n, c, h, 2 * w);
        NDArray out = NDArrays.stack(new NDList(even, odd), 3).reshape(n, c, 2 * h, 2 * w);
        if (bias != null) {
            NDArray value = parameterStore.getValue(bias, out.getDevice(), training);
            // an op on the parameter lands on the model's manager: move the reshaped view to the
            // batch's, or every forward would leave an array behind
            NDArray shaped = value.reshape(1, c, 1, 1);
            shaped.attach(out.getManager());
            out = out.add(shaped);
        }
        return new NDList(out);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        Shape part = parts[0].getOutputShapes(new Shape[] {paddedShape(s)})[0];
        return new Shape[] {new Shape(s.get(0), part.get(1), 2 * s.get(2), 2 * s.get(3))};
    }

    private static Shape paddedShape(Shape s) {
        return new Shape(s.get(0), s.get(1), s.get(2) + 1, s.get(3) + 1);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (Conv2d part : parts) {
            part.initialize(manager, dataType, paddedShape(inputShapes[0]));
        }
    }
}
