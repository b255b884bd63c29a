package dev.debias.gan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.dataset.Batch;

import dev.debias.data.GroupedDataset;
import dev.debias.data.GroupedLabels;
import dev.debias.loss.GeneralizedCrossEntropyLoss;
import dev.debias.metrics.GroupMetrics;
import dev.debias.train.DebiasTrainer;
import dev.debias.train.PerSampleEma;
import dev.debias.train.PhasedRun;
import dev.debias.train.StepContext;
import dev.debias.train.StepResult;
import dev.debias.train.TrainedModel;
import dev.debias.train.TrainingConfig;
import dev.debias.train.TrainingResult;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * DisEnt (Lee et al., "Learning Debiased Representation via Disentangled Feature Augmentation",
 * NeurIPS 2021; official code kakaoenterprise/Learning-Debiased-Disentangled). Needs no group
 * labels.
 *
 * <p>One {@link DisEntModel} with two Adam optimisers, one per (encoder, classifier) pair
 * (parameter groups {@value #INTRINSIC} and {@value #BIAS} of one {@link TrainedModel}). Each step
 * computes the relative difficulty {@code W} from two per-sample loss EMAs (core's {@link
 * PerSampleEma}, as LfF), trains the intrinsic branch with {@code W}-weighted cross-entropy and
 * the bias branch with GCE, and after {@code curr_step} ({@link DisEntConfig#swapStart()},
 * strictly greater) also on the features swapped by a fresh in-batch permutation ({@link
 * DisEntLosses}). The permutation of step {@code t} is drawn from a generator seeded by the run's
 * seed and {@code t}, so a resumed run draws the same ones. The model reported predicts with
 * {@code C_i([E_i(x), E_b(x)])}, both encoders in inference mode.
 *
 * <p>{@link #trackBestTestAccuracy(GroupedDataset)} also records, at every validation, the best
 * unbiased test accuracy of the run: the official code's model selection on the test set, reported
 * beside the selected and final models and never used to select.
 */
public final class DisEntTrainer extends DebiasTrainer {

    /** The optimiser group of the intrinsic encoder and classifier. */
    public static final String INTRINSIC = "intrinsic";

    /** The optimiser group of the bias encoder and classifier. */
    public static final String BIAS = "bias";

    private static final Logger LOGGER = LoggerFactory.getLogger(DisEntTrainer.class);
    private static final long PERMUTATION_SALT = 0x5DEECE66DL;

    private final DisEntConfig config;
    private final Supplier<DisEntModel> models;
    private TrainedModel model;
    private DisEntModel network;
    private GroupedDataset testSet;
    private BestTestTracker bestTest;
    private long lastStep;

    /**
     * Creates the trainer on the device of {@code config.training()}.
     *
     * @param config the settings
     * @param models makes the fresh, uninitialised model
     * @param inputShape the input shape with a batch axis, e.g. {@code (1, 3, 28, 28)}
     */
    public DisEntTrainer(DisEntConfig config, Supplier<DisEntModel> models, Shape inputShape) {
        super(config, inputShape, config.training().device());
        this.config = Objects.requireNonNull(config, "config");
        this.models = Objects.requireNonNull(models, "models");
    }

    /**
     * Also evaluates a test set at every validation and keeps its best unbiased accuracy: the
     * official code's protocol, reported beside the selected and final models, never used to
     * select. Call before {@code fit}.
     *
     * @param test the test set
     * @return this trainer
     */
    public DisEntTrainer trackBestTestAccuracy(GroupedDataset test) {
        this.testSet = Objects.requireNonNull(test, "test");
        return this;
    }

    /**
     * Returns the best unbiased test accuracy seen at a validation and its step, when {@link
     * #trackBestTestAccuracy(GroupedDataset)} was called.
     *
     * @return the best test accuracy (reference protocol), if tracked
     */
    public Optional<BestTestTracker.Best> bestTestAccuracy() {
        return bestTest == null ? Optional.empty() : bestTest.best();
    }

    /** {@inheritDoc} */
    @Override
    protected TrainingResult train(PhasedRun run, GroupedDataset train, GroupedDataset validation) {
        int numClasses = train.groupSpec().numClasses();
        if (numClasses < 2) {
            throw new IllegalArgumentException("DisEnt needs at least two classes, the training set has " + numClasses);
        }
        TrainingConfig training = config.training();
        long length = training.iterations() > 0 ? training.iterations() : Long.MAX_VALUE;
        if (config.swapStart() >= length) {
            LOGGER.warn(
                    "disent: curr_step {} is not before the run's last step {}: features are never swapped",
                    config.swapStart(), length);
        }
        network = models.get();
        if (network.numClasses() != numClasses) {
            throw new IllegalArgumentException(
                    "the DisEnt model has " + network.numClasses() + " classes, the training set " + numClasses);
        }
        try {
            model =
                    newModel(network, training.seed(), b -> b.setName("disent")
                            .setInputShapes(inputShape())
                            .addOptimizer(INTRINSIC, training.optimizer(), network.intrinsicParameters())
                            .addOptimizer(BIAS, training.optimizer(), network.biasParameters()));
        } catch (ai.djl.engine.EngineException e) {
            throw new IllegalArgumentException(
                    "DisEnt's encoders cannot take inputs of shape " + inputShape() + ": " + e.getMessage(), e);
        }
        int[] labels = train.labels();
        GeneralizedCrossEntropyLoss gce = new GeneralizedCrossEntropyLoss(config.q(), config.gceForm());
        bestTest = new BestTestTracker("best-test");
        try (PerSampleEma emaIntrinsic = new PerSampleEma("ema-intrinsic", labels, numClasses, config.emaAlpha(), device());
                PerSampleEma emaBias = new PerSampleEma("ema-bias", labels, numClasses, config.emaAlpha(), device())) {
            return run.execute(
                    singlePhase(training)
                            .setSampler(defaultSampler(train, training, false))
                            .setStep((batch, context) -> step(batch, context, emaIntrinsic, emaBias, gce))
                            .optValidator(this::validate)
                            .addParts(model, emaIntrinsic, emaBias, bestTest)
                            .build());
        }
    }

    private GroupMetrics validate(GroupedDataset validation) {
        GroupMetrics metrics = evaluate(model.inference(), validation);
        if (testSet != null) {
            bestTest.offer(lastStep, evaluate(model.inference(), testSet).unbiasedAccuracy());
        }
        return metrics;
    }

    private StepResult step(
            Batch batch, StepContext context, PerSampleEma emaIntrinsic, PerSampleEma emaBias, GeneralizedCrossEntropyLoss gce) {
        lastStep = context.step();
        NDList labels = batch.getLabels();
        NDArray y = labels.get(GroupedLabels.LABEL);
        NDArray index = labels.get(GroupedLabels.INDEX);
        NDArray x = batch.getData().head();
        NDArray permutation =
                context.step() > config.swapStart() ? permutation(batch.getManager(), x.getShape().get(0), context.step()) : null;
        ParameterStore parameters = new ParameterStore(batch.getManager(), false);
        DisEntLosses losses;
        try (GradientCollector collector = model.trainer().newGradientCollector()) {
            losses = DisEntLosses.compute(
                    network, parameters, x, y, index, emaIntrinsic, emaBias, gce, config, permutation);
            collector.backward(losses.total());
        }
        model.step();
        StepResult result = StepResult.of(losses.total()).with("intrinsic", losses.intrinsic()).with("bias", losses.bias());
        if (losses.swapIntrinsic() != null) {
            result = result.with("swapIntrinsic", losses.swapIntrinsic()).with("swapBias", losses.swapBias());
        }
        return result;
    }

    /** A fresh permutation of {@code 0..n-1} for step {@code step}, the same after a resume. */
    private NDArray permutation(NDManager manager, long n, long step) {
        SplittableRandom random = new SplittableRandom(config.training().seed() * PERMUTATION_SALT + step);
        long[] order = new long[Math.toIntExact(n)];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            long t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return manager.create(order);
    }

    /**
     * Returns the DisEnt network being trained.
     *
     * @return the network
     * @throws IllegalStateException before {@code fit}
     */
    public DisEntModel network() {
        if (network == null) {
            throw new IllegalStateException("call fit before asking for the network");
        }
        return network;
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
