package dev.debias.train;

import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;

import dev.debias.data.GroupedDataset;

import java.util.Objects;
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
    private final Model userModel;
    private TrainedModel model;

    /**
     * Creates the trainer on the device of {@code config.training()}.
     *
     * @param config the settings
     * @param blocks makes the model's block
     * @param inputShape the input shape with a batch axis
     */
    public ErmTrainer(ErmConfig config, Supplier<Block> blocks, Shape inputShape) {
        super(config, blocks, inputShape);
        this.config = config;
        this.userModel = null;
    }

    /**
     * Creates a trainer of a DJL model the caller already has (block set, on the device to train
     * on); the caller keeps owning and closes it. Its parameters are initialised for {@code
     * inputShape} where they are not yet.
     *
     * @param config the settings
     * @param model the model to train
     * @param inputShape the input shape with a batch axis
     */
    public ErmTrainer(ErmConfig config, Model model, Shape inputShape) {
        super(config, inputShape, model.getNDManager().getDevice());
        this.config = config;
        this.userModel = Objects.requireNonNull(model, "model");
    }

    /** {@inheritDoc} */
    @Override
    protected TrainingResult train(PhasedRun run, GroupedDataset train, GroupedDataset validation) {
        TrainingConfig training = config.training();
        model =
                userModel == null
                        ? newModel("model", training.optimizer(), training.seed())
                        : adopt(
                                TrainedModel.builder()
                                        .setName("model")
                                        .setModel(userModel)
                                        .setInputShapes(inputShape())
                                        .optOptimizer(training.optimizer()));
        return run.execute(
                singlePhase(training)
                        .setSampler(defaultSampler(train, training, config.groupBalanced()))
                        .setStep(new ErmStep(model))
                        .optValidator(dataset -> evaluate(model.inference(), dataset))
                        .addParts(model)
                        .build());
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
