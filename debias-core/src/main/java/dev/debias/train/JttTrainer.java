package dev.debias.train;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;

import dev.debias.data.GroupedDataset;
import dev.debias.sampler.EpochSampler;
import dev.debias.sampler.UpweightSampler;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.function.Supplier;

/**
 * Just Train Twice (Liu et al., "Just Train Twice: Improving Group Robustness without Training
 * Group Information", ICML 2021). Needs group labels only for model selection.
 *
 * <p>Stage 1 trains an identification model by ERM for {@code T + 1} epochs and records its error
 * set (misclassified training samples; see {@link JttConfig.ErrorSet}). Stage 2 trains a fresh
 * model by ERM on the training set with {@code lambda_up} extra copies of every error-set sample
 * per epoch. The stage-2 model is reported.
 */
public final class JttTrainer extends DebiasTrainer {

    /** The name of stage 1, which finds the error set. */
    public static final String IDENTIFICATION = "identification";

    /** The name of stage 2, which trains the reported model. */
    public static final String FINAL = "final";

    private static final Logger LOGGER = LoggerFactory.getLogger(JttTrainer.class);

    private final JttConfig config;
    private TrainedModel finalModel;
    private long[] errorSet;
    private int upweight;

    /**
     * Creates the trainer on the device of {@code config.training()}.
     *
     * @param config the settings
     * @param blocks makes each model's block
     * @param inputShape the input shape with a batch axis
     */
    public JttTrainer(JttConfig config, Supplier<Block> blocks, Shape inputShape) {
        super(config, blocks, inputShape);
        this.config = config;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Two phases: {@value #IDENTIFICATION} trains the identification model and records the
     * error set, its completion record; {@value #FINAL} trains the reported model on the
     * up-weighted training set. A resumed run whose identification has completed restores the
     * error set and does not train stage 1 again.
     */
    @Override
    protected TrainingResult train(PhasedRun run, GroupedDataset train, GroupedDataset validation) {
        ErrorSetMiner errors = new ErrorSetMiner("error-set");
        run.execute(identificationPhase(train, errors));
        errorSet = errors.indices();
        upweight = config.upweightFor(train.size(), errorSet.length);
        LOGGER.info("jtt: error set of {} samples, {} extra copies of each", errorSet.length, upweight);
        TrainingConfig training = config.training();
        finalModel = newModel(FINAL, training.optimizer(), training.seed() + 1);
        EpochSampler sampler =
                UpweightSampler.builder()
                        .setBatchSize(training.batchSize())
                        .setSeed(training.seed())
                        .setErrorSet(Arrays.stream(errorSet).mapToInt(Math::toIntExact).toArray())
                        .setUpweight(upweight)
                        .build();
        return run.execute(
                Phase.builder()
                        .setName(FINAL)
                        .setTraining(training)
                        .setSampler(sampler)
                        .setStep(new ErmStep(finalModel))
                        .optValidator(dataset -> evaluate(finalModel.inference(), dataset))
                        .addParts(finalModel)
                        .build());
    }

    private Phase identificationPhase(GroupedDataset train, ErrorSetMiner errors) {
        TrainingConfig training = config.identification();
        boolean duringPass = config.errorSet() == JttConfig.ErrorSet.DURING_LAST_PASS;
        if (!duringPass && training.epochs() < 2) {
            throw new IllegalArgumentException(
                    "JTT's AFTER_TRAINING error set needs T >= 1, i.e. an identification run of at least 2 epochs");
        }
        // The clean variant reads the model after T completed epochs (T + 1 configured).
        TrainingConfig stage1 = duringPass ? training : training.toBuilder().setEpochs(training.epochs() - 1).build();
        long lastEpoch = stage1.epochs() - 1;
        TrainedModel identifier = newModel(IDENTIFICATION, training.optimizer(), training.seed());
        ErmStep step =
                duringPass
                        ? new ErmStep(identifier, (logits, batch, context) -> {
                            if (context.epoch() == lastEpoch) {
                                errors.record(logits, batch.getLabels());
                            }
                        })
                        : new ErmStep(identifier);
        return Phase.builder()
                .setName(IDENTIFICATION)
                .setTraining(stage1)
                .setSampler(defaultSampler(train, training, false))
                .setStep(step)
                .optValidator(dataset -> evaluate(identifier.inference(), dataset))
                .addParts(identifier, errors)
                .addCompletionState(errors)
                .optFinisher(() -> {
                    if (!duringPass) {
                        errors.mine(identifier.inference(), train, training.evaluationBatchSize(), device());
                    }
                })
                .build();
    }

    /**
     * Returns the error set found in stage 1 (sorted sample indices).
     *
     * @return a copy of the error set
     * @throws IllegalStateException before {@code fit}
     */
    public long[] errorSet() {
        if (errorSet == null) {
            throw new IllegalStateException("call fit before asking for the error set");
        }
        return errorSet.clone();
    }

    /**
     * Returns the {@code lambda_up} stage 2 used: the configured one, or the balancing up-weight
     * derived from the error set.
     *
     * @return the number of extra copies of each error-set sample
     * @throws IllegalStateException before {@code fit}
     */
    public int upweight() {
        if (errorSet == null) {
            throw new IllegalStateException("call fit before asking for the up-weight");
        }
        return upweight;
    }

    /** {@inheritDoc} */
    @Override
    public TrainedModel reportedModel() {
        if (finalModel == null) {
            throw new IllegalStateException("call fit before asking for the model");
        }
        return finalModel;
    }
}
