package dev.debias.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

/** Shared helpers of the model tests. */
final class ModelTesting {

    private ModelTesting() {}

    /** Runs one forward pass of an initialised block on a single input. */
    static NDArray forward(Block block, NDManager manager, NDArray x, boolean training) {
        ParameterStore store = new ParameterStore(manager, false);
        return block.forward(store, new NDList(x), training).singletonOrThrow();
    }

    /** Counts trainable values, as PyTorch's {@code parameters()} does (no BatchNorm buffers). */
    static long countTrainable(Block block) {
        long total = 0;
        for (Parameter p : block.getParameters().values()) {
            Parameter.Type type = p.getType();
            if (type != Parameter.Type.RUNNING_MEAN && type != Parameter.Type.RUNNING_VAR) {
                total += p.getArray().size();
            }
        }
        return total;
    }
}
