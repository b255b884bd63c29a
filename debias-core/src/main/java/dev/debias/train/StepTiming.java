package dev.debias.train;

/**
 * Wall-clock time of a run's optimisation steps (batch assembly, forward, backward, optimiser),
 * validation excluded, measured after a warm-up of the first steps.
 *
 * @param warmupSteps steps run before measuring
 * @param measuredSteps steps measured
 * @param measuredNanos their total time in nanoseconds
 */
public record StepTiming(long warmupSteps, long measuredSteps, long measuredNanos) {

    /**
     * Returns the mean time of one measured step.
     *
     * @return milliseconds per step, or NaN if nothing was measured
     */
    public double millisPerStep() {
        return measuredSteps == 0 ? Double.NaN : measuredNanos / 1e6 / measuredSteps;
    }
}
