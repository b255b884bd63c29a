package dev.debias.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.training.dataset.Batch;

import dev.debias.data.GroupedDataset;
import dev.debias.metrics.GroupMetrics;
import dev.debias.sampler.EpochSampler;

import java.util.List;

/**
 * A run of a single phase named {@value EvaluationRecord#DEFAULT_PHASE}: the shortest way to
 * drive a {@link PhasedRun} with one step function. Methods with several phases use {@link
 * PhasedRun} and {@link Phase} directly.
 */
public final class TrainingLoop {

    /** One optimisation step of a method that needs no {@link StepContext} and one loss. */
    @FunctionalInterface
    public interface BatchStep {

        /**
         * Runs forward, backward and the optimiser step(s) on one batch.
         *
         * @param batch the batch; arrays created for the step should live on its manager
         * @return the scalar training loss of the batch (on the batch's manager)
         */
        NDArray step(Batch batch);
    }

    /** Computes validation metrics of the model being trained. */
    @FunctionalInterface
    public interface Validator {

        /**
         * Evaluates the current model on a dataset.
         *
         * @param dataset the dataset
         * @return its group metrics
         */
        GroupMetrics validate(GroupedDataset dataset);
    }

    private final TrainingConfig config;
    private final String runName;

    /**
     * Creates a loop.
     *
     * @param config the shared training settings, checkpoints and resume included
     * @param runName a label for logs and the progress bar
     */
    public TrainingLoop(TrainingConfig config, String runName) {
        this.config = config;
        this.runName = runName;
    }

    /**
     * Runs the loop as a one-phase {@link PhasedRun} whose settings are {@code config}'s.
     *
     * @param device the device batches are placed on (the models' device)
     * @param train the training set
     * @param validation the validation set (non-empty)
     * @param sampler the seeded sampler over {@code train}
     * @param step the method's step
     * @param validator evaluates the model that is selected and reported
     * @param parts every checkpointed part of the run
     * @return the result
     */
    public TrainingResult run(
            Device device,
            GroupedDataset train,
            GroupedDataset validation,
            EpochSampler sampler,
            BatchStep step,
            Validator validator,
            List<Checkpointable> parts) {
        com.google.gson.JsonObject settings = new com.google.gson.JsonObject();
        settings.add("training", config.describe());
        PhasedRun run =
                PhasedRun.builder()
                        .optName(runName)
                        .setDevice(device)
                        .setData(train, validation)
                        .optCheckpoints(config)
                        .optProvenance(new Provenance(settings))
                        .build();
        return run.execute(
                Phase.builder()
                        .setName(EvaluationRecord.DEFAULT_PHASE)
                        .setTraining(config)
                        .setSampler(sampler)
                        .setStep((batch, context) -> StepResult.of(step.step(batch)))
                        .optValidator(validator)
                        .addParts(parts.toArray(new Checkpointable[0]))
                        .build());
    }
}
