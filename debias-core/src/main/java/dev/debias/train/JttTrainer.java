package dev.debias.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;

import dev.debias.data.GroupedDataset;
import dev.debias.data.GroupedLabels;
import dev.debias.sampler.EpochSampler;
import dev.debias.sampler.ShuffleSampler;
import dev.debias.sampler.UpweightSampler;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
        super(blocks, inputShape, config.training().device());
        this.config = config;
    }

    /** {@inheritDoc} */
    @Override
    public TrainingResult fit(GroupedDataset train, GroupedDataset validation) {
        useTrainingGroups(train, config.training().evaluationBatchSize());
        errorSet = identify(train, validation);
        upweight = config.upweightFor(train.size(), errorSet.length);
        LOGGER.info("jtt: error set of {} samples, {} extra copies of each", errorSet.length, upweight);
        TrainingConfig training = config.training();
        finalModel = newModel("final", training.optimizer(), training.seed() + 1);
        EpochSampler sampler =
                UpweightSampler.builder()
                        .setBatchSize(training.batchSize())
                        .setSeed(training.seed())
                        .setErrorSet(Arrays.stream(errorSet).mapToInt(Math::toIntExact).toArray())
                        .setUpweight(upweight)
                        .build();
        Trainer trainer = finalModel.trainer();
        return new TrainingLoop(training, "jtt")
                .run(
                        device(),
                        train,
                        validation,
                        sampler,
                        batch -> ErmTrainer.step(trainer, batch),
                        dataset -> evaluate(finalModel, dataset),
                        List.of(finalModel));
    }

    private long[] identify(GroupedDataset train, GroupedDataset validation) {
        TrainingConfig training = config.identification();
        TrainedModel identifier = newModel("identification", training.optimizer(), training.seed());
        Trainer trainer = identifier.trainer();
        EpochSampler sampler = ShuffleSampler.builder().setBatchSize(training.batchSize()).setSeed(training.seed()).build();
        long batchesPerEpoch = (train.size() + training.batchSize() - 1) / training.batchSize();
        long lastPassStart = (training.epochs() - 1) * batchesPerEpoch;
        boolean duringPass = config.errorSet() == JttConfig.ErrorSet.DURING_LAST_PASS;
        List<Long> errors = new ArrayList<>();
        long[] stepsDone = {0};
        TrainingLoop.BatchStep step =
                batch -> {
                    if (duringPass && stepsDone[0]++ >= lastPassStart) {
                        return ErmTrainer.step(trainer, batch, logits -> recordErrors(logits, batch, errors));
                    }
                    return ErmTrainer.step(trainer, batch);
                };
        TrainingConfig.Builder stage1 = training.toBuilder().optCheckpointDir(null).optResume(false);
        if (!duringPass) {
            // The clean variant reads the model after T completed epochs (T + 1 configured).
            if (training.epochs() < 2) {
                throw new IllegalArgumentException(
                        "JTT's AFTER_TRAINING error set needs T >= 1, i.e. an identification run of at least 2 epochs");
            }
            stage1.setEpochs(training.epochs() - 1);
        }
        new TrainingLoop(stage1.build(), "jtt-identification")
                .run(device(), train, validation, sampler, step, d -> evaluate(identifier, d), List.of(identifier));
        if (!duringPass) {
            errors.addAll(misclassified(identifier, train));
        }
        return errors.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    /** Adds the indices of the batch's misclassified samples (one host copy of those indices). */
    private static void recordErrors(NDArray logits, Batch batch, List<Long> errors) {
        NDList labels = batch.getLabels();
        NDArray wrong = logits.argMax(1).neq(labels.get(GroupedLabels.LABEL));
        for (long index : labels.get(GroupedLabels.INDEX).get(wrong).toLongArray()) {
            errors.add(index);
        }
    }

    private List<Long> misclassified(TrainedModel model, GroupedDataset train) {
        List<Long> errors = new ArrayList<>();
        int batchSize = 1024;
        try (ai.djl.ndarray.NDManager manager = ai.djl.ndarray.NDManager.newBaseManager(device())) {
            for (long start = 0; start < train.size(); start += batchSize) {
                int n = (int) Math.min(batchSize, train.size() - start);
                long first = start;
                long[] indices = new long[n];
                Arrays.setAll(indices, k -> first + k);
                try (Batch batch = train.batch(manager, indices)) {
                    recordErrors(model.trainer().evaluate(batch.getData()).head(), batch, errors);
                }
            }
        }
        return errors;
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
