package dev.debias.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;

import dev.debias.data.GroupedDataset;
import dev.debias.data.GroupedLabels;
import dev.debias.loss.CrossEntropy;
import dev.debias.loss.GeneralizedCrossEntropyLoss;

import java.util.function.Supplier;

/**
 * Learning from Failure (Nam et al., "Learning from Failure: Training Debiased Classifier from
 * Biased Classifier", NeurIPS 2020). Needs no group labels.
 *
 * <p>Two models of the same architecture train together on the same batches. The biased model
 * \(f_B\) minimises the generalized cross-entropy, which amplifies its reliance on easy (bias)
 * features. The debiased model \(f_D\) minimises cross-entropy weighted per sample by the relative
 * difficulty \(W = \tilde\ell_B / (\tilde\ell_B + \tilde\ell_D)\), where \(\tilde\ell\) are the
 * class-normalised EMAs of each model's per-sample loss ({@link PerSampleEma}, keyed by the stable
 * sample index). One backward pass through \(\mathrm{mean}(GCE_B) + \mathrm{mean}(W \cdot
 * CE_D)\), then one optimiser step per model, as in the reference code. The debiased model is
 * the one reported.
 */
public final class LfFTrainer extends DebiasTrainer {

    private final LfFConfig config;
    private TrainedModel biased;
    private TrainedModel debiased;

    /**
     * Creates the trainer on the device of {@code config.training()}.
     *
     * @param config the settings
     * @param blocks makes each model's block
     * @param inputShape the input shape with a batch axis
     */
    public LfFTrainer(LfFConfig config, Supplier<Block> blocks, Shape inputShape) {
        super(config, blocks, inputShape);
        this.config = config;
    }

    /** {@inheritDoc} */
    @Override
    protected TrainingResult train(PhasedRun run, GroupedDataset train, GroupedDataset validation) {
        TrainingConfig training = config.training();
        biased = newModel("biased", training.optimizer(), training.seed());
        debiased = newModel("debiased", training.optimizer(), training.seed() + 1);
        int numClasses = train.groupSpec().numClasses();
        int[] labels = train.labels();
        GeneralizedCrossEntropyLoss gce = new GeneralizedCrossEntropyLoss(config.q(), config.gceForm());
        try (PerSampleEma emaB = new PerSampleEma("ema-biased", labels, numClasses, config.emaAlpha(), device());
                PerSampleEma emaD = new PerSampleEma("ema-debiased", labels, numClasses, config.emaAlpha(), device())) {
            return run.execute(
                    singlePhase(training)
                            .setSampler(defaultSampler(train, training, false))
                            .setStep((batch, context) -> step(batch, gce, emaB, emaD))
                            .optValidator(dataset -> evaluate(debiased.inference(), dataset))
                            .addParts(biased, debiased, emaB, emaD)
                            .build());
        }
    }

    private StepResult step(Batch batch, GeneralizedCrossEntropyLoss gce, PerSampleEma emaB, PerSampleEma emaD) {
        Trainer trainerB = biased.trainer();
        Trainer trainerD = debiased.trainer();
        NDList labels = batch.getLabels();
        NDArray y = labels.get(GroupedLabels.LABEL);
        NDArray index = labels.get(GroupedLabels.INDEX);
        NDArray lossB;
        NDArray lossD;
        NDArray loss;
        try (GradientCollector collector = trainerB.newGradientCollector()) {
            NDArray logitsB = trainerB.forward(batch.getData()).head();
            NDArray logitsD = trainerD.forward(batch.getData()).head();
            NDArray ceB = CrossEntropy.ofLogits(logitsB, y);
            NDArray ceD = CrossEntropy.ofLogits(logitsD, y);
            NDArray difficultyB = emaB.updateAndNormalize(ceB.stopGradient(), index, y);
            NDArray difficultyD = emaD.updateAndNormalize(ceD.stopGradient(), index, y);
            NDArray weights = RelativeDifficulty.weights(difficultyB, difficultyD);
            lossB = gce.ofLogits(logitsB, y).mean();
            lossD = ceD.mul(weights).mean();
            loss = lossB.add(lossD);
            collector.backward(loss);
        }
        biased.step();
        debiased.step();
        return StepResult.of(loss).with("biased", lossB).with("debiased", lossD);
    }

    /**
     * Returns the biased model.
     *
     * @return the biased model
     * @throws IllegalStateException before {@code fit}
     */
    public TrainedModel biasedModel() {
        if (biased == null) {
            throw new IllegalStateException("call fit before asking for the model");
        }
        return biased;
    }

    /** {@inheritDoc} */
    @Override
    public TrainedModel reportedModel() {
        if (debiased == null) {
            throw new IllegalStateException("call fit before asking for the model");
        }
        return debiased;
    }
}
