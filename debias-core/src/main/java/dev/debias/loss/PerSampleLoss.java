package dev.debias.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * A loss that can return its unreduced value for every sample of a batch.
 *
 * <p>Trainers that combine several per-sample terms (LfF, DisEnt, CAMEL, Group DRO) compose losses
 * through this interface; the DJL {@code evaluate} of the same loss is the batch mean of these
 * values.
 */
@FunctionalInterface
public interface PerSampleLoss {

    /**
     * Returns the loss of every sample of the batch, without reduction.
     *
     * @param labels the label columns, laid out as in {@link dev.debias.data.GroupedLabels}
     * @param predictions the model outputs; {@code predictions.head()} holds the logits {@code
     *     [B, K]}
     * @return the per-sample losses, shape {@code [B]}
     */
    NDArray perSample(NDList labels, NDList predictions);
}
