package dev.debias.train;

/**
 * Wall-clock time of a phase: its optimisation steps (batch assembly, forward, backward,
 * optimiser), measured after a warm-up of the first steps, and the whole loop with its
 * validations and checkpoints. Times of a resumed phase add up over the processes that ran it,
 * up to its last checkpoint before each interruption.
 *
 * @param warmupSteps steps run before measuring
 * @param measuredSteps steps measured
 * @param measuredNanos their total time in nanoseconds
 * @param loopNanos the phase's whole loop: every step (the warm-up ones too), validation and
 *     checkpoint, in nanoseconds
 * @param validationNanos the validations' time in nanoseconds
 * @param checkpointNanos the checkpoints' time (best and last) in nanoseconds
 */
public record StepTiming(
        long warmupSteps,
        long measuredSteps,
        long measuredNanos,
        long loopNanos,
        long validationNanos,
        long checkpointNanos) {

    /** No phase: nothing measured. */
    public static final StepTiming NONE = new StepTiming(0, 0, 0, 0, 0, 0);

    /**
     * Returns the mean time of one measured step.
     *
     * @return milliseconds per step, or NaN if nothing was measured
     */
    public double millisPerStep() {
        return measuredSteps == 0 ? Double.NaN : measuredNanos / 1e6 / measuredSteps;
    }

    /**
     * Adds the timing of another phase (the measured steps and all times add up).
     *
     * @param other the other phase's timing
     * @return the sum
     */
    public StepTiming plus(StepTiming other) {
        return new StepTiming(
                warmupSteps + other.warmupSteps,
                measuredSteps + other.measuredSteps,
                measuredNanos + other.measuredNanos,
                loopNanos + other.loopNanos,
                validationNanos + other.validationNanos,
                checkpointNanos + other.checkpointNanos);
    }
}
