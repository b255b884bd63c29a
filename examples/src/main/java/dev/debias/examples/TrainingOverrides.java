package dev.debias.examples;

import dev.debias.train.ModelSelection;
import dev.debias.train.TrainingConfig;

import java.nio.file.Path;

/**
 * The shared training settings given on the command line, each null where the method's preset
 * applies, plus where the run writes its checkpoints and whether it resumes.
 *
 * @param iterations the number of steps, or null
 * @param epochs the number of epochs, or null
 * @param batchSize the batch size, or null
 * @param learningRate the base learning rate of the preset's optimiser, or null
 * @param weightDecay the L2 weight decay of the preset's optimiser, or null
 * @param evaluateEvery steps between validations, or null
 * @param selection the model-selection rule, or null
 * @param seed the seed (the command line always gives one)
 * @param checkpointDir where checkpoints go, or null for none
 * @param resume whether to resume from {@code checkpointDir}
 * @param progressBar whether to draw the progress bar
 */
public record TrainingOverrides(
        Long iterations,
        Integer epochs,
        Integer batchSize,
        Float learningRate,
        Float weightDecay,
        Long evaluateEvery,
        ModelSelection selection,
        long seed,
        Path checkpointDir,
        boolean resume,
        boolean progressBar) {

    /**
     * Applies every override to a preset's settings.
     *
     * @param preset the method's preset
     * @return the settings of the run
     */
    public TrainingConfig apply(TrainingConfig preset) {
        TrainingConfig.Builder b = optimisation(preset).optCheckpointDir(checkpointDir).optResume(resume);
        if (iterations != null) {
            b.setIterations(iterations);
        }
        if (epochs != null) {
            b.setEpochs(epochs);
        }
        if (evaluateEvery != null) {
            b.optEvaluateEvery(evaluateEvery);
        }
        if (selection != null) {
            b.optModelSelection(selection);
        }
        return b.build();
    }

    /**
     * Applies the overrides of how a model is optimised (batch size, learning rate, weight
     * decay, seed) to a preset's settings, keeping its length, evaluation and selection: for an
     * auxiliary phase such as JTT's identification run.
     *
     * @param preset the phase's preset
     * @return the settings of the phase
     */
    public TrainingConfig applyOptimisation(TrainingConfig preset) {
        return optimisation(preset).build();
    }

    private TrainingConfig.Builder optimisation(TrainingConfig preset) {
        TrainingConfig.Builder b =
                preset.toBuilder().optSeed(seed).optProgressBar(progressBar).optStopRequest(StopOnSignal.request());
        if (batchSize != null) {
            b.optBatchSize(batchSize);
        }
        if (learningRate != null || weightDecay != null) {
            var optimizer = preset.optimizer().toBuilder();
            if (learningRate != null) {
                optimizer.optLearningRate(learningRate);
            }
            if (weightDecay != null) {
                optimizer.optWeightDecay(weightDecay);
            }
            b.optOptimizer(optimizer.build());
        }
        return b;
    }
}
