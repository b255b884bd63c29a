package dev.debias.train;

import dev.debias.metrics.GroupMetrics;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What a Debias trainer returns: the validation history, the evaluation selected by the run's
 * {@link ModelSelection} rule (and its checkpoint, when checkpoints are written), and the final
 * validation metrics.
 *
 * @param history every validation of this call, in order (after a resume: those since the
 *     resume; the history files next to the checkpoints hold all of them)
 * @param selection the rule that selected {@code selected}
 * @param selected the selected evaluation
 * @param last the last evaluation (the final model)
 * @param selectedCheckpoint the directory of the selected model's checkpoint, if written
 * @param steps the number of optimisation steps run in total
 * @param timing the phase's timing: steps, validations, checkpoints
 */
public record TrainingResult(
        List<EvaluationRecord> history,
        ModelSelection selection,
        EvaluationRecord selected,
        EvaluationRecord last,
        Optional<Path> selectedCheckpoint,
        long steps,
        StepTiming timing) {

    /**
     * Creates a result, copying the history.
     *
     * @param history every validation
     * @param selection the selection rule
     * @param selected the selected evaluation
     * @param last the last evaluation
     * @param selectedCheckpoint the checkpoint of the selected model
     * @param steps the number of steps
     * @param timing the phase's timing: steps, validations, checkpoints
     */
    public TrainingResult {
        history = List.copyOf(history);
    }

    /**
     * Returns the validation metrics of the final model.
     *
     * @return the final metrics
     */
    public GroupMetrics finalValidation() {
        return last.validation();
    }

    /**
     * Returns the validation metrics of the selected model.
     *
     * @return the selected metrics
     */
    public GroupMetrics selectedValidation() {
        return selected.validation();
    }
}
