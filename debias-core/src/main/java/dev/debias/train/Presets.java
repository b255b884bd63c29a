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
}
