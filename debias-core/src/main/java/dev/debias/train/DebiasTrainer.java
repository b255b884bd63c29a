package dev.debias.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;

import dev.debias.data.GroupedDataset;
import dev.debias.metrics.GroupEvaluator;
import dev.debias.metrics.GroupMetrics;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The base of every Debias trainer: it owns the models it creates (one fresh block per model from
 * a supplier, on the device of its {@link TrainingConfig}), seeds their
 * initialisation, and evaluates the model it reports.
 *
 * <p>Subclasses implement {@link #fit(GroupedDataset, GroupedDataset)} with the shared {@link
 * TrainingLoop}. A trainer is used once: build it, call {@code fit}, read the result, evaluate,
 * close.
 */
public abstract class DebiasTrainer implements AutoCloseable {

    private final Supplier<Block> blocks;
    private final Shape inputShape;
    private final Device device;
    private final List<TrainedModel> trainedModels = new ArrayList<>();
    private final List<Model> models = new ArrayList<>();
    private GroupEvaluator evaluator;

    /**
     * Creates the trainer.
     *
     * @param blocks makes a fresh, uninitialised block per model
     * @param inputShape the input shape with a batch axis, e.g. {@code (1, 3, 28, 28)}
     * @param device the device
     */
    protected DebiasTrainer(Supplier<Block> blocks, Shape inputShape, Device device) {
        this.blocks = java.util.Objects.requireNonNull(blocks, "blocks");
        this.inputShape = java.util.Objects.requireNonNull(inputShape, "inputShape");
        this.device = java.util.Objects.requireNonNull(device, "device");
        String engine = Engine.getInstance().getEngineName();
        if (!"PyTorch".equals(engine)) {
            throw new IllegalStateException(
                    "Debias trainers need DJL's PyTorch engine, found " + engine
                            + "; add ai.djl.pytorch:pytorch-engine, pytorch-jni and a native jar");
        }
    }

    /**
     * Trains on {@code train}, validating on {@code validation}.
     *
     * @param train the training set
     * @param validation the validation set, used for model selection
     * @return the result
     */
    public abstract TrainingResult fit(GroupedDataset train, GroupedDataset validation);

    /**
     * Returns the trained model this trainer reports (for two-model methods: the debiased one).
     *
     * @return the model being trained
     * @throws IllegalStateException before {@code fit}
     */
    public abstract TrainedModel reportedModel();

    /**
     * Evaluates the reported model on a dataset in inference mode.
     *
     * @param dataset the dataset
     * @return its group metrics
     */
    public GroupMetrics evaluate(GroupedDataset dataset) {
        return evaluate(reportedModel(), dataset);
    }

    /**
     * Returns the device this trainer computes on.
     *
     * @return the device
     */
    public Device device() {
        return device;
    }

    /**
     * Returns the input shape with a batch axis.
     *
     * @return the input shape
     */
    protected Shape inputShape() {
        return inputShape;
    }

    /**
     * Creates a model with a fresh block, its parameters initialised from {@code seed}.
     *
     * @param name the model's name in checkpoints
     * @param optimizer the optimiser settings
     * @param seed the initialisation seed
     * @return the model with its DJL trainer
     */
    protected TrainedModel newModel(String name, OptimizerConfig optimizer, long seed) {
        Engine.getInstance().setRandomSeed((int) (seed ^ (seed >>> 32)));
        Model model = Model.newInstance(name, device);
        models.add(model);
        model.setBlock(blocks.get());
        TrainedModel trained = TrainedModel.create(name, model, optimizer, inputShape);
        trainedModels.add(trained);
        return trained;
    }

    /**
     * Makes later evaluations use the training set's groups (so aligned/conflicting and the
     * training-weighted accuracy are defined by the training data); called at the start of
     * {@code fit}.
     *
     * @param train the training set
     * @param batchSize the evaluation batch size
     */
    protected void useTrainingGroups(GroupedDataset train, int batchSize) {
        evaluator = GroupEvaluator.builder().optBatchSize(batchSize).optGroupSpec(train.countedGroupSpec()).build();
    }

    /**
     * Evaluates a model in inference mode with the training set's groups.
     *
     * @param model the model
     * @param dataset the dataset
     * @return its group metrics
     */
    protected GroupMetrics evaluate(TrainedModel model, GroupedDataset dataset) {
        return evaluator.evaluate(model.trainer(), dataset);
    }

    /** Closes every model this trainer created. */
    @Override
    public void close() {
        trainedModels.forEach(TrainedModel::close);
        models.forEach(Model::close);
        trainedModels.clear();
        models.clear();
    }
}
