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
import dev.debias.sampler.EpochSampler;
import dev.debias.sampler.GroupBalancedSampler;
import dev.debias.sampler.ShuffleSampler;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Empirical risk minimisation: the mean cross-entropy over uniformly shuffled batches (or
 * group-balanced ones, see {@link ErmConfig#groupBalanced()}). The baseline every debiasing
 * method is compared with.
 *
 * <pre>{@code
 * try (ErmTrainer trainer = new ErmTrainer(ErmConfig.coloredMnist(),
 *         () -> ColoredMnistMlp.lff().build(), new Shape(1, 3, 28, 28))) {
 *     TrainingResult result = trainer.fit(train, validation);
 *     GroupMetrics test = trainer.evaluate(testSet);
 * }
 * }</pre>
 */
public final class ErmTrainer extends DebiasTrainer {

    private final ErmConfig config;
    private TrainedModel model;

    /**
     * Creates the trainer on the device of {@code config.training()}.
     *
     * @param config the settings
     * @param blocks makes the model's block
     * @param inputShape the input shape with a batch axis
     */
    public ErmTrainer(ErmConfig config, Supplier<Block> blocks, Shape inputShape) {
        super(blocks, inputShape, config.training().device());
        this.config = config;
    }

    /** {@inheritDoc} */
    @Override
    public TrainingResult fit(GroupedDataset train, GroupedDataset validation) {
        useTrainingGroups(train, config.training().evaluationBatchSize());
        TrainingConfig training = config.training();
        model = newModel("model", training.optimizer(), training.seed());
        EpochSampler sampler =
                config.groupBalanced()
                        ? GroupBalancedSampler.of(train, training.batchSize(), training.seed())
                        : ShuffleSampler.builder().setBatchSize(training.batchSize()).setSeed(training.seed()).build();
        Trainer trainer = model.trainer();
        return new TrainingLoop(training, "erm")
                .run(
                        device(),
                        train,
                        validation,
                        sampler,
                        batch -> step(trainer, batch),
                        dataset -> evaluate(model, dataset),
                        List.of(model));
    }

    /**
     * One ERM step: forward, mean cross-entropy, backward, optimiser step.
     *
     * @param trainer the DJL trainer of the model
     * @param batch the batch
     * @return the loss
     */
    static NDArray step(Trainer trainer, Batch batch) {
        return step(trainer, batch, logits -> {});
    }

    /**
     * One ERM step that also shows the training-mode logits (taken before the update) to an
     * observer, e.g. JTT's error-set recorder.
     *
     * @param trainer the DJL trainer of the model
     * @param batch the batch
     * @param observer receives the logits {@code [B, K]} (detached use only)
     * @return the loss
     */
    static NDArray step(Trainer trainer, Batch batch, Consumer<NDArray> observer) {
        NDArray loss;
        NDArray logits;
        try (GradientCollector collector = trainer.newGradientCollector()) {
            logits = trainer.forward(batch.getData()).head();
            NDList labels = batch.getLabels();
            loss = CrossEntropy.ofLogits(logits, labels.get(GroupedLabels.LABEL)).mean();
            collector.backward(loss);
        }
        observer.accept(logits);
        trainer.step();
        return loss;
    }

    /** {@inheritDoc} */
    @Override
    public TrainedModel reportedModel() {
        if (model == null) {
            throw new IllegalStateException("call fit before asking for the model");
        }
        return model;
    }
}
