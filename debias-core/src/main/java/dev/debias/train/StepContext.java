package dev.debias.train;

/**
 * Where a training step is in its run, handed to every {@link TrainingStep}. It is computed by
 * the loop from the checkpointed position, so it is right after a resume too; a step should never
 * count steps itself.
 *
 * @param phase the name of the phase the step belongs to
 * @param step the 1-based number of this step within its phase (never reset per epoch)
 * @param epoch the 0-based epoch (pass of the phase's sampler) the step belongs to
 * @param totalSteps the number of steps of the phase
 */
public record StepContext(String phase, long step, long epoch, long totalSteps) {

    /**
     * Checks the values.
     *
     * @param phase the phase name
     * @param step the 1-based step
     * @param epoch the 0-based epoch
     * @param totalSteps the phase's length
     */
    public StepContext {
        java.util.Objects.requireNonNull(phase, "phase");
        if (step < 1 || step > totalSteps || epoch < 0) {
            throw new IllegalArgumentException(
                    "step " + step + " of " + totalSteps + " in epoch " + epoch + " is not a valid position");
        }
    }

    /**
     * Returns whether this is the last step of the phase.
     *
     * @return true on the last step
     */
    public boolean isLast() {
        return step == totalSteps;
    }
}
