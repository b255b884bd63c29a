package dev.debias.train;

/**
 * The shared training settings the papers use per dataset, as builders to adjust further.
 */
public final class Presets {

    private Presets() {}

    /**
     * Colored MNIST after LfF (Nam et al., NeurIPS 2020): Adam lr 1e-3, no weight decay, batch
     * 256, 235 x 100 = 23,500 steps, validation every 235 steps, the final model reported.
     *
     * @return the builder
     */
    public static TrainingConfig.Builder coloredMnist() {
        return TrainingConfig.builder()
                .optOptimizer(OptimizerConfig.adam(1e-3f).build())
                .optBatchSize(256)
                .setIterations(23_500)
                .optEvaluateEvery(235)
                .optModelSelection(ModelSelection.LAST);
    }

    /** Stage-2 epochs of CAMEL's MNIST-Correlation configurations. */
    public static final int MNIST_CORRELATION_EPOCHS = 200;

    /** The evaluation period of the MNIST-Correlation presets: every 5 epochs of 200 steps. */
    public static final long MNIST_CORRELATION_EVALUATE_EVERY = 1_000;

    /**
     * CAMEL's stage-2 settings on MNIST-Correlation (Goel et al., ICLR 2021; ALGORITHMS.md §6.6):
     * SGD with Nesterov momentum 0.9 at a constant rate, the L2 rate as coupled weight decay,
     * batch 100, 200 epochs (of 200 steps on the 20,000 training images), the model with the best
     * worst-group validation accuracy selected and the final one reported too. The reference
     * evaluates after every epoch; these presets every 5 epochs (40 evaluations of the 20,000
     * validation images instead of 200), a deviation that only thins the selection grid.
     *
     * @param learningRate the learning rate
     * @param l2 the L2 rate on {@code sum w^2 / 2}
     * @param maxGradientNorm the global-norm bound, 0 for none
     * @return the builder
     */
    public static TrainingConfig.Builder mnistCorrelation(float learningRate, float l2, float maxGradientNorm) {
        return TrainingConfig.builder()
                .optOptimizer(
                        OptimizerConfig.sgd(learningRate)
                                .optNesterov(true)
                                .optWeightDecay(l2)
                                .optMaxGradientNorm(maxGradientNorm)
                                .build())
                .optBatchSize(100)
                .setEpochs(MNIST_CORRELATION_EPOCHS)
                .optEvaluateEvery(MNIST_CORRELATION_EVALUATE_EVERY)
                .optModelSelection(ModelSelection.WORST_GROUP);
    }
}
