package dev.debias.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import dev.debias.data.GroupedDataset;
import dev.debias.metrics.GroupEvaluator;
import dev.debias.metrics.GroupMetrics;
import dev.debias.sampler.EpochSampler;
import dev.debias.sampler.GroupBalancedSampler;
import dev.debias.sampler.ShuffleSampler;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The base of every Debias trainer. It holds what every method shares: the checks of the data,
 * the evaluator with the training set's groups, the {@link PhasedRun} with its checkpoints and
 * provenance (the method's {@link #describe()} and a fingerprint of the data), and the models it
 * trains — fresh ones from a block supplier or any block and input shapes, seeded, on the device
 * of the method's {@link TrainingConfig}, or a DJL {@link Model} the user already has.
 *
 * <p>Subclasses implement {@link #train(PhasedRun, GroupedDataset, GroupedDataset)} with one or
 * more {@link Phase}s. A trainer is used once: build it, call {@code fit}, read the result,
 * evaluate, close.
 */
public abstract class DebiasTrainer implements AutoCloseable {

    private final MethodConfig config;
    private final Supplier<Block> blocks;
    private final Shape inputShape;
    private final Device device;
    private final List<TrainedModel> trainedModels = new ArrayList<>();
    private final List<Model> models = new ArrayList<>();
    private GroupEvaluator evaluator;
    private PhasedRun run;

    /**
     * Creates the trainer on the device of {@code config.training()}.
     *
     * @param config the method's settings
     * @param blocks makes a fresh, uninitialised block per model
     * @param inputShape the input shape with a batch axis, e.g. {@code (1, 3, 28, 28)}
     */
    protected DebiasTrainer(MethodConfig config, Supplier<Block> blocks, Shape inputShape) {
        this.config = Objects.requireNonNull(config, "config");
        this.blocks = Objects.requireNonNull(blocks, "blocks");
        this.inputShape = Objects.requireNonNull(inputShape, "inputShape");
        this.device = Objects.requireNonNull(config.training().device(), "device");
        requirePyTorch();
    }

    /**
     * Creates a trainer that makes no model from a block supplier: it trains the user's models
     * ({@link #adopt(TrainedModel.Builder)}) or blocks it builds itself ({@link #newModel(Block,
     * long, UnaryOperator)}).
     *
     * @param config the method's settings
     * @param inputShape the input shape with a batch axis
     * @param device the device
     */
    protected DebiasTrainer(MethodConfig config, Shape inputShape, Device device) {
        this.config = Objects.requireNonNull(config, "config");
        this.blocks = null;
        this.inputShape = Objects.requireNonNull(inputShape, "inputShape");
        this.device = Objects.requireNonNull(device, "device");
        requirePyTorch();
    }

    private static void requirePyTorch() {
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
     * @param train the training set (non-empty)
     * @param validation the validation set, used for model selection (non-empty)
     * @return the result of the phase whose model is reported
     * @throws IllegalArgumentException if a dataset is empty or does not suit the method
     * @throws IllegalStateException if the checkpoint directory cannot be resumed or is taken
     */
    public final TrainingResult fit(GroupedDataset train, GroupedDataset validation) {
        if (run != null) {
            throw new IllegalStateException("a trainer is used once: fit was called already");
        }
        TrainingConfig training = config.training();
        evaluator =
                GroupEvaluator.builder()
                        .optBatchSize(training.evaluationBatchSize())
                        .optGroupSpec(train.countedGroupSpec())
                        .build();
        JsonObject settings = describe();
        settings.add("data", fingerprint(train, validation));
        run =
                PhasedRun.builder()
                        .optName(settings.has("method") ? settings.get("method").getAsString() : "run")
                        .setDevice(device)
                        .setData(train, validation)
                        .optCheckpoints(training)
                        .optProvenance(new Provenance(settings))
                        .build();
        return train(run, train, validation);
    }

    /**
     * Runs the method's phases.
     *
     * @param run the run, which executes each phase (or restores it after a resume)
     * @param train the training set
     * @param validation the validation set
     * @return the result of the phase whose model is reported
     */
    protected abstract TrainingResult train(PhasedRun run, GroupedDataset train, GroupedDataset validation);

    /**
     * Describes the method's settings completely (its config's {@link MethodConfig#describe()}).
     *
     * @return the settings, with a {@code method} name and the main {@code training} settings
     */
    public final JsonObject describe() {
        return config.describe();
    }

    /**
     * Returns the trained model this trainer reports (for two-model methods: the debiased one).
     *
     * @return the model being trained
     * @throws IllegalStateException before {@code fit}
     */
    public abstract TrainedModel reportedModel();

    /**
     * Returns every validation of the run, of all its phases.
     *
     * @return the history
     * @throws IllegalStateException before {@code fit}
     */
    public List<EvaluationRecord> history() {
        if (run == null) {
            throw new IllegalStateException("call fit before asking for the history");
        }
        return run.history();
    }

    /**
     * Returns the result of one phase of the run (e.g. to time a phase other than the last).
     *
     * @param phase the phase's name
     * @return its result, or empty if the run has no completed phase of that name
     * @throws IllegalStateException before {@code fit}
     */
    public Optional<TrainingResult> phaseResult(String phase) {
        if (run == null) {
            throw new IllegalStateException("call fit before asking for a phase's result");
        }
        return run.result(phase);
    }

    /**
     * Returns the timing of all the run's phases added up: steps, validations, checkpoints.
     *
     * @return the run's timing
     * @throws IllegalStateException before {@code fit}
     */
    public StepTiming timing() {
        if (run == null) {
            throw new IllegalStateException("call fit before asking for the timing");
        }
        return run.timing();
    }

    /**
     * Evaluates the reported model on a dataset in inference mode.
     *
     * @param dataset the dataset
     * @return its group metrics
     */
    public GroupMetrics evaluate(GroupedDataset dataset) {
        return evaluate(reportedModel().inference(), dataset);
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
     * Creates a model with a fresh block from the trainer's supplier, its parameters initialised
     * from {@code seed}, with one optimiser.
     *
     * @param name the model's name in checkpoints
     * @param optimizer the optimiser settings
     * @param seed the initialisation seed
     * @return the model with its DJL trainer
     */
    protected TrainedModel newModel(String name, OptimizerConfig optimizer, long seed) {
        if (blocks == null) {
            throw new IllegalStateException("this trainer was given a model, not a block supplier");
        }
        return newModel(blocks.get(), seed, b -> b.setName(name).setInputShapes(inputShape).optOptimizer(optimizer));
    }

    /**
     * Creates a model of any block and input shapes, its parameters initialised from {@code
     * seed}; {@code settings} names it and sets its optimisers (and frozen parameters).
     *
     * @param block a fresh, uninitialised block
     * @param seed the initialisation seed
     * @param settings sets the name, input shapes and optimisers on the builder
     * @return the model with its DJL trainer; the trainer closes it
     */
    protected TrainedModel newModel(Block block, long seed, UnaryOperator<TrainedModel.Builder> settings) {
        Engine.getInstance().setRandomSeed((int) (seed ^ (seed >>> 32)));
        Model model = Model.newInstance("debias-model", device);
        models.add(model);
        model.setBlock(block);
        return adopt(settings.apply(TrainedModel.builder().setModel(model)));
    }

    /**
     * Trains a model the user already has ({@link TrainedModel.Builder#setModel(Model)}); the
     * trainer closes its DJL trainer but not the model.
     *
     * @param builder the model's settings
     * @return the trained model
     */
    protected TrainedModel adopt(TrainedModel.Builder builder) {
        TrainedModel trained = builder.build();
        trainedModels.add(trained);
        return trained;
    }

    /**
     * Evaluates any inference function (e.g. DisEnt's prediction from two encoders) with the
     * training set's groups.
     *
     * @param inference from a batch's data to the outputs, logits at index 0
     * @param dataset the dataset
     * @return its group metrics
     */
    protected GroupMetrics evaluate(UnaryOperator<NDList> inference, GroupedDataset dataset) {
        if (evaluator == null) {
            throw new IllegalStateException("call fit before evaluating");
        }
        try (NDManager manager = NDManager.newBaseManager(device)) {
            return evaluator.evaluate(manager, inference, dataset);
        }
    }

    /**
     * Returns the sampler most methods train with: uniform reshuffling each epoch, or
     * group-balanced batches (with replacement, weights {@code N / n_g}).
     *
     * @param train the training set
     * @param training the settings (batch size, seed)
     * @param groupBalanced whether to draw group-balanced batches
     * @return the sampler
     */
    protected static EpochSampler defaultSampler(GroupedDataset train, TrainingConfig training, boolean groupBalanced) {
        return groupBalanced
                ? GroupBalancedSampler.of(train, training.batchSize(), training.seed())
                : ShuffleSampler.builder().setBatchSize(training.batchSize()).setSeed(training.seed()).build();
    }

    /**
     * Returns a builder of the one phase of a single-phase method, named {@value
     * EvaluationRecord#DEFAULT_PHASE}.
     *
     * @param training the phase's settings
     * @return the builder, name and settings set
     */
    protected static Phase.Builder singlePhase(TrainingConfig training) {
        return Phase.builder().setName(EvaluationRecord.DEFAULT_PHASE).setTraining(training);
    }

    private static JsonObject fingerprint(GroupedDataset train, GroupedDataset validation) {
        JsonObject json = new JsonObject();
        json.addProperty("trainingSize", train.size());
        json.addProperty("validationSize", validation.size());
        json.addProperty("classes", train.groupSpec().numClasses());
        json.addProperty("attributes", train.groupSpec().numAttributes());
        JsonArray counts = new JsonArray();
        for (long c : train.countGroups()) {
            counts.add(c);
        }
        json.add("trainingGroupCounts", counts);
        return json;
    }

    /** Closes every model this trainer created and the DJL trainers of adopted ones. */
    @Override
    public void close() {
        trainedModels.forEach(TrainedModel::close);
        models.forEach(Model::close);
        trainedModels.clear();
        models.clear();
    }
}
