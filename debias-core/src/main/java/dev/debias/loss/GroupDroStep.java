package dev.debias.loss;

import ai.djl.ndarray.NDArray;

/**
 * The result of one committed training step of {@link GroupDroLoss} (Sagawa et al., ICLR 2020):
 * the loss to back-propagate and the committed weights.
 */
public final class GroupDroStep {

    private final NDArray loss;
    private final RobustWeights weights;

    GroupDroStep(NDArray loss, RobustWeights weights) {
        this.loss = loss;
        this.weights = weights;
    }

    /**
     * Returns the scalar robust loss (with the adjustment offset) to back-propagate.
     *
     * @return the loss
     */
    public NDArray loss() {
        return loss;
    }

    /**
     * Returns the weights and loss values committed by this step.
     *
     * @return the committed weights
     */
    public RobustWeights weights() {
        return weights;
    }
}
