package dev.debias.pruning;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterServer;
import ai.djl.training.ParameterStore;

import java.util.Map;

/**
 * A parameter store that hands out {@code mask ⊙ weight} for the masked parameters and every other
 * value unchanged, so that any DJL block runs masked without being rewritten. The masks live on
 * the batch's manager and are the first operand, so every product lands there too.
 */
final class MaskingParameterStore extends ParameterStore {

    private final ParameterStore delegate;
    private final Map<Parameter, NDArray> masks;

    MaskingParameterStore(ParameterStore delegate, Map<Parameter, NDArray> masks) {
        this.delegate = delegate;
        this.masks = masks;
    }

    @Override
    public NDArray getValue(Parameter parameter, Device device, boolean training) {
        NDArray value = delegate.getValue(parameter, device, training);
        NDArray mask = masks.get(parameter);
        return mask == null ? value : mask.mul(value);
    }

    @Override
    public NDManager getManager() {
        return delegate.getManager();
    }

    @Override
    public void setParameterServer(ParameterServer parameterServer, Device[] devices) {
        delegate.setParameterServer(parameterServer, devices);
    }

    @Override
    public void updateAllParameters() {
        delegate.updateAllParameters();
    }

    @Override
    public void sync() {
        delegate.sync();
    }
}
