package dev.debias.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;

import java.util.Objects;

/**
 * PyTorch's default bias initialisation of {@code nn.Linear} and {@code nn.Conv*}: {@code
 * U(-1/sqrt(fan_in), 1/sqrt(fan_in))}, where {@code fan_in} is that of the layer's weight.
 *
 * <p>A bias shape alone does not reveal the fan-in, so this initialiser holds the weight {@link
 * Parameter} of the same layer and reads its shape when the bias is initialised. DJL assigns every
 * parameter of a block its shape before initialising any of them, so the weight's shape is known by
 * then. One instance belongs to one layer; {@link PyTorchInit#applyDefaults} creates them.
 */
public final class FanInBiasInitializer implements Initializer {

    private final Parameter weight;

    /**
     * Creates the bias initialiser of the layer owning {@code weight}.
     *
     * @param weight the weight parameter of the same layer
     */
    public FanInBiasInitializer(Parameter weight) {
        this.weight = Objects.requireNonNull(weight, "weight");
    }

    /**
     * Returns the bound {@code 1/sqrt(fan_in)} for a weight of the given shape ({@code 0} for an
     * empty fan, as in PyTorch).
     *
     * @param weightShape the weight shape
     * @return the bound of the uniform distribution
     */
    public static double bound(Shape weightShape) {
        long fanIn = KaimingInitializer.fanIn(weightShape);
        return fanIn > 0 ? 1.0 / Math.sqrt(fanIn) : 0.0;
    }

    /** {@inheritDoc} */
    @Override
    public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
        Shape weightShape = weight.getShape();
        if (weightShape == null) {
            throw new IllegalStateException(
                    "weight '"
                            + weight.getName()
                            + "' has no shape yet; cannot derive the bias bound");
        }
        float b = (float) bound(weightShape);
        return manager.randomUniform(-b, b, shape, dataType);
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return "FanInBiasInitializer{weight=" + weight.getName() + '}';
    }
}
