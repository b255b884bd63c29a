package dev.debias.loss;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

import dev.debias.data.GroupedLabels;

/**
 * Softmax cross-entropy with per-sample values: \(\mathrm{CE}_i = -\log p_{y_i}\) with \(p =
 * \mathrm{softmax}(z_i)\), computed as {@code -logSoftmax(z).gather(y)}.
 *
 * <p>This is the one place in Debias where per-sample cross-entropy is computed; every other loss
 * of the package builds on {@link #labelLogProbability(NDArray, NDArray)}. Unlike DJL's {@code
 * SoftmaxCrossEntropyLoss} it tolerates extra label columns (group, index, weight) and offers the
 * unreduced values.
 *
 * <p>Inputs: logits {@code [B, K]} at {@code predictions.head()}, class labels {@code [B]} (any
 * numeric type, converted to int64) at label column {@link GroupedLabels#LABEL}. {@link
 * #evaluate(NDList, NDList)} returns \(\frac{1}{B}\sum_i \mathrm{CE}_i\) and throws if that value
 * is NaN or infinite.
 */
public final class CrossEntropy extends LabelLoss {

    /** Creates the loss named {@code "CrossEntropy"}. */
    public CrossEntropy() {
        this("CrossEntropy");
    }

    /**
     * Creates the loss with a display name.
     *
     * @param name the name shown by DJL's training listeners
     */
    public CrossEntropy(String name) {
        super(name);
    }

    /**
     * Returns \(\log p_{y_i}\), the log-probability that the softmax of the logits assigns to each
     * sample's label.
     *
     * @param logits the logits {@code [B, K]}
     * @param labels the class labels {@code [B]} (or {@code [B, 1]}), values in {@code [0, K)}
     * @return the log-probabilities, shape {@code [B]}, attached to the logits' manager
     * @throws IllegalArgumentException if the shapes do not match or a label is outside {@code
     *     [0, K)}
     */
    public static NDArray labelLogProbability(NDArray logits, NDArray labels) {
        LossInputs.checkLogits(logits, "CrossEntropy");
        long batch = logits.getShape().get(0);
        long classes = logits.getShape().get(1);
        NDArray y = LossInputs.asInt64(LossInputs.vector(labels, "labels", batch, "CrossEntropy"), "labels", "CrossEntropy");
        try {
            return logits.logSoftmax(1).gather(y.reshape(batch, 1), 1).reshape(batch);
        } catch (EngineException e) {
            throw new IllegalArgumentException(
                    "CrossEntropy: a class label is outside [0, " + classes + "): " + e.getMessage(),
                    e);
        }
    }

    /**
     * Returns the per-sample cross-entropy \(-\log p_{y_i}\).
     *
     * @param logits the logits {@code [B, K]}
     * @param labels the class labels {@code [B]}, values in {@code [0, K)}
     * @return the per-sample losses, shape {@code [B]}
     * @throws IllegalArgumentException if the shapes do not match or a label is out of range
     */
    public static NDArray ofLogits(NDArray logits, NDArray labels) {
        return labelLogProbability(logits, labels).neg();
    }

    /** {@inheritDoc} */
    @Override
    protected NDArray perSampleOfLogits(NDArray logits, NDArray labels) {
        return ofLogits(logits, labels);
    }
}
