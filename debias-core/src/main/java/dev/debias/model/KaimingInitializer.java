package dev.debias.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.initializer.Initializer;

/**
 * He ("Kaiming") initialisation of a weight tensor, with the fan and gain conventions of PyTorch's
 * {@code torch.nn.init.kaiming_uniform_} / {@code kaiming_normal_}.
 *
 * <p>For a weight of shape {@code [out, in, k1, k2, ...]} (a {@code Linear} weight is {@code [out,
 * in]}, a {@code Conv2d} weight {@code [out, in/groups, kh, kw]}) the receptive field is {@code r =
 * k1 * k2 * ...}, {@code fan_in = in * r} and {@code fan_out = out * r}. With the leaky-ReLU gain
 * {@code gain = sqrt(2 / (1 + a^2))} the standard deviation is {@code std = gain / sqrt(fan)}; the
 * uniform variant draws from {@code U(-sqrt(3) std, sqrt(3) std)}, the normal variant from {@code
 * N(0, std^2)}. {@code a = 0} gives the ReLU gain {@code sqrt(2)}.
 *
 * <p>Two settings matter for the references:
 *
 * <ul>
 *   <li>{@link #pyTorchDefault()}: uniform, fan-in, {@code a = sqrt(5)}; the default of PyTorch's
 *       {@code nn.Linear} and {@code nn.Conv2d}, which reduces to {@code U(-1/sqrt(fan_in),
 *       1/sqrt(fan_in))}.
 *   <li>{@link #reluFanOut()}: normal, fan-out, ReLU gain; torchvision's ResNet convolutions.
 * </ul>
 *
 * <p>Random numbers come from the engine's generator ({@link NDManager#randomUniform}), so {@code
 * Engine.getInstance().setRandomSeed(seed)} makes the initialisation repeatable, as for DJL's own
 * initialisers. Instances are immutable and can be shared between parameters.
 */
public final class KaimingInitializer implements Initializer {

    /** Which fan the variance is scaled by. */
    public enum FanMode {
        /** Scale by the number of inputs of one output unit (preserves forward variance). */
        FAN_IN,
        /** Scale by the number of outputs one input feeds (preserves backward variance). */
        FAN_OUT
    }

    /** The distribution the weights are drawn from. */
    public enum Distribution {
        /** Uniform on {@code [-sqrt(3) std, sqrt(3) std]}. */
        UNIFORM,
        /** Normal with mean 0 and standard deviation {@code std}. */
        NORMAL
    }

    private final Distribution distribution;
    private final FanMode mode;
    private final double negativeSlope;

    /**
     * Creates a Kaiming initialiser.
     *
     * @param distribution uniform or normal
     * @param mode fan-in or fan-out scaling
     * @param negativeSlope the leaky-ReLU slope {@code a} in the gain (0 for ReLU)
     */
    public KaimingInitializer(Distribution distribution, FanMode mode, double negativeSlope) {
        if (!Double.isFinite(negativeSlope)) {
            throw new IllegalArgumentException(
                    "negative slope must be finite, got " + negativeSlope);
        }
        this.distribution = java.util.Objects.requireNonNull(distribution, "distribution");
        this.mode = java.util.Objects.requireNonNull(mode, "mode");
        this.negativeSlope = negativeSlope;
    }

    /**
     * Returns PyTorch's default weight initialisation of {@code nn.Linear} and {@code nn.Conv*}:
     * Kaiming-uniform, fan-in, {@code a = sqrt(5)}, i.e. {@code U(-1/sqrt(fan_in),
     * 1/sqrt(fan_in))}. The matching bias initialisation is {@link FanInBiasInitializer}.
     *
     * @return the initialiser
     */
    public static KaimingInitializer pyTorchDefault() {
        return new KaimingInitializer(Distribution.UNIFORM, FanMode.FAN_IN, Math.sqrt(5));
    }

    /**
     * Returns Kaiming-normal with fan-out and ReLU gain ({@code std = sqrt(2 / fan_out)}), the
     * convolution initialisation of torchvision's ResNets.
     *
     * @return the initialiser
     */
    public static KaimingInitializer reluFanOut() {
        return new KaimingInitializer(Distribution.NORMAL, FanMode.FAN_OUT, 0);
    }

    /**
     * Returns Kaiming-normal with fan-in and ReLU gain ({@code std = sqrt(2 / fan_in)}), the
     * initialisation LfF's CIFAR ResNet-20 applies to its convolution and linear weights.
     *
     * @return the initialiser
     */
    public static KaimingInitializer reluFanIn() {
        return new KaimingInitializer(Distribution.NORMAL, FanMode.FAN_IN, 0);
    }

    /**
     * Returns the number of inputs of one output unit of a weight: {@code shape[1]} times the
     * product of the kernel dimensions.
     *
     * @param shape a weight shape with at least two dimensions
     * @return the fan-in
     */
    public static long fanIn(Shape shape) {
        requireWeightShape(shape);
        return shape.get(1) * shape.slice(2).size();
    }

    /**
     * Returns the number of outputs one input feeds: {@code shape[0]} times the product of the
     * kernel dimensions.
     *
     * @param shape a weight shape with at least two dimensions
     * @return the fan-out
     */
    public static long fanOut(Shape shape) {
        requireWeightShape(shape);
        return shape.get(0) * shape.slice(2).size();
    }

    /**
     * Returns the standard deviation this initialiser gives a weight of the given shape.
     *
     * @param shape the weight shape
     * @return {@code gain / sqrt(fan)}
     */
    public double standardDeviation(Shape shape) {
        long fan = mode == FanMode.FAN_IN ? fanIn(shape) : fanOut(shape);
        if (fan <= 0) {
            throw new IllegalArgumentException("weight shape " + shape + " has an empty fan");
        }
        double gain = Math.sqrt(2.0 / (1.0 + negativeSlope * negativeSlope));
        return gain / Math.sqrt(fan);
    }

    /** {@inheritDoc} */
    @Override
    public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
        double std = standardDeviation(shape);
        if (distribution == Distribution.UNIFORM) {
            float bound = (float) (Math.sqrt(3.0) * std);
            return manager.randomUniform(-bound, bound, shape, dataType);
        }
        return manager.randomNormal(0f, (float) std, shape, dataType);
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return "KaimingInitializer{" + distribution + ", " + mode + ", a=" + negativeSlope + '}';
    }

    private static void requireWeightShape(Shape shape) {
        if (shape == null || shape.dimension() < 2) {
            throw new IllegalArgumentException(
                    "Kaiming initialisation needs a weight of at least 2 dimensions, got " + shape);
        }
    }
}
