package dev.debias.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;

import dev.debias.data.GroupedLabels;

/**
 * A loss whose value for a sample depends only on that sample's logits and class label, such as
 * {@link CrossEntropy} and {@link GeneralizedCrossEntropyLoss}. It reads the logits {@code [B, K]}
 * at {@code predictions.head()} and the labels at column {@link GroupedLabels#LABEL}, and its DJL
 * {@link #evaluate(NDList, NDList)} is the batch mean of the per-sample values, rejected with an
 * {@link IllegalArgumentException} when it is NaN or infinite.
 */
public abstract class LabelLoss extends Loss implements PerSampleLoss {

    /**
     * Creates the loss.
     *
     * @param name the name shown by DJL's training listeners
     */
    protected LabelLoss(String name) {
        super(name);
    }

    /**
     * Returns the loss of every sample from its logits and label.
     *
     * @param logits the logits {@code [B, K]}
     * @param labels the class labels {@code [B]}, values in {@code [0, K)}
     * @return the per-sample losses, shape {@code [B]}
     */
    protected abstract NDArray perSampleOfLogits(NDArray logits, NDArray labels);

    /** {@inheritDoc} */
    @Override
    public final NDArray perSample(NDList labels, NDList predictions) {
        NDArray logits = LossInputs.logits(predictions, 0, getName());
        NDArray y =
                LossInputs.column(
                        labels, GroupedLabels.LABEL, "LABEL", logits.getShape().get(0), getName());
        return perSampleOfLogits(logits, y);
    }

    /** {@inheritDoc} */
    @Override
    public final NDArray evaluate(NDList labels, NDList predictions) {
        return LossInputs.requireFinite(perSample(labels, predictions).mean(), getName());
    }
}
