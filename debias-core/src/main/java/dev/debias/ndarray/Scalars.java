package dev.debias.ndarray;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Arithmetic of an array with a Java number, safe when a backward pass follows.
 *
 * <p>DJL's {@code NDArray.mul(Number)} (and {@code div}, {@code pow}, {@code maximum}, {@code
 * minimum} and their in-place forms) wraps the number in a 0-dimensional array whose memory is a
 * JVM direct buffer (libtorch's {@code from_blob}), applies the operation and closes the wrapper
 * at once. PyTorch's autograd keeps that operand for the backward pass (the gradient of {@code x *
 * c} with respect to {@code x} is {@code c}), but nothing keeps the buffer: once a garbage
 * collection has run between the forward and the backward, the JVM has freed it, glibc's {@code
 * free} has written a heap pointer into it, and the backward multiplies by a value such as 3.5e14
 * (or 0). In CAMEL's CycleGAN this happened once in a few thousand steps and froze a
 * discriminator for good (docs/reproduction.md#camel; {@code ScalarsTest} reproduces it).
 *
 * <p>The methods here make the constant with {@code NDManager.full}, whose memory libtorch
 * allocates and keeps alive for as long as the graph holds it. The constant has the type DJL would
 * give the number ({@code float32} for a {@code float}, {@code int32} for an {@code int}), so every
 * result is bit-identical to DJL's. Addition and subtraction of a number are safe in DJL itself
 * (their backward keeps no operand) and need no helper; Debias's code calls only these methods for
 * the others, which {@code ScalarArithmeticScanTest} checks on the compiled classes.
 */
public final class Scalars {

    private static final Shape SCALAR = new Shape();

    private Scalars() {}

    /**
     * Returns {@code x * c}.
     *
     * @param x the array
     * @param c the factor
     * @return the product, on the manager and device of {@code x}
     */
    public static NDArray mul(NDArray x, float c) {
        try (NDArray s = constant(x, c)) {
            return x.mul(s);
        }
    }

    /**
     * Returns {@code x * c} for an integer factor (an {@code int32} constant, as DJL makes it).
     *
     * @param x the array
     * @param c the factor
     * @return the product
     */
    public static NDArray mul(NDArray x, int c) {
        try (NDArray s = constant(x, c)) {
            return x.mul(s);
        }
    }

    /**
     * Multiplies {@code x} by {@code c} in place.
     *
     * @param x the array
     * @param c the factor
     * @return {@code x}
     */
    public static NDArray muli(NDArray x, float c) {
        try (NDArray s = constant(x, c)) {
            return x.muli(s);
        }
    }

    /**
     * Returns {@code x / c}.
     *
     * @param x the array
     * @param c the divisor
     * @return the quotient
     */
    public static NDArray div(NDArray x, float c) {
        try (NDArray s = constant(x, c)) {
            return x.div(s);
        }
    }

    /**
     * Returns {@code x ^ c}, element-wise.
     *
     * @param x the array
     * @param c the exponent
     * @return the power
     */
    public static NDArray pow(NDArray x, float c) {
        try (NDArray s = constant(x, c)) {
            return x.pow(s);
        }
    }

    /**
     * Returns {@code max(x, c)}, element-wise.
     *
     * @param x the array
     * @param c the lower bound
     * @return the maximum
     */
    public static NDArray maximum(NDArray x, float c) {
        try (NDArray s = constant(x, c)) {
            return x.maximum(s);
        }
    }

    /**
     * Returns {@code min(x, c)}, element-wise.
     *
     * @param x the array
     * @param c the upper bound
     * @return the minimum
     */
    public static NDArray minimum(NDArray x, float c) {
        try (NDArray s = constant(x, c)) {
            return x.minimum(s);
        }
    }

    private static NDArray constant(NDArray like, float c) {
        return like.getManager().full(SCALAR, c, DataType.FLOAT32, like.getDevice());
    }

    private static NDArray constant(NDArray like, int c) {
        return like.getManager().full(SCALAR, c, DataType.INT32, like.getDevice());
    }
}
