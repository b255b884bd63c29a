package dev.debias.train;

/**
 * Thrown when a training loss becomes NaN or infinite. The message names the step; the last
 * checkpoint written before it is left intact.
 */
public final class TrainingDivergedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final long step;

    /**
     * Creates the exception.
     *
     * @param step the 1-based step whose loss was not finite
     * @param loss the loss value
     * @param lastCheckpointStep the step of the last checkpoint written, or -1 for none
     */
    public TrainingDivergedException(long step, float loss, long lastCheckpointStep) {
        this(step, loss, lastCheckpointStep, null);
    }

    private TrainingDivergedException(String message, long step) {
        super(message);
        this.step = step;
    }

    /**
     * Creates the exception for state that became non-finite while the loss stayed finite (e.g. a
     * parameter overflowed); no checkpoint is written from that state.
     *
     * @param step the 1-based step after which the state was checked
     * @param what what is not finite, e.g. {@code parameter 'weight' of model 'model'}
     * @param lastCheckpointStep the step of the last checkpoint written, or -1 for none
     * @return the exception
     */
    public static TrainingDivergedException nonFiniteState(long step, String what, long lastCheckpointStep) {
        return new TrainingDivergedException(
                what + " is not finite after step " + step + "; no checkpoint was written from it"
                        + (lastCheckpointStep >= 0
                                ? ", the last good checkpoint (step " + lastCheckpointStep + ") is intact"
                                : ""),
                step);
    }

    /**
     * Creates the exception for a loss that stays finite but explodes: far above the level of the
     * run's first steps.
     *
     * @param step the 1-based step of the loss
     * @param loss the loss value
     * @param level the mean loss of the first steps
     * @param lastCheckpointStep the step of the last checkpoint written, or -1 for none
     * @return the exception
     */
    public static TrainingDivergedException exploded(long step, double loss, double level, long lastCheckpointStep) {
        return new TrainingDivergedException(
                "training loss is " + loss + " at step " + step + ", more than " + (long) PhaseLoop.DIVERGENCE_FACTOR
                        + " times its level over the first " + PhaseLoop.LEVEL_STEPS + " steps (" + level + ")"
                        + (lastCheckpointStep >= 0
                                ? "; the last good checkpoint (step " + lastCheckpointStep + ") is intact"
                                : "; no checkpoint was written before it"),
                step);
    }

    /**
     * Creates the exception with the loss's own report as the cause.
     *
     * @param step the 1-based step whose loss was not finite
     * @param loss the loss value
     * @param lastCheckpointStep the step of the last checkpoint written, or -1 for none
     * @param cause what the loss reported, or null
     */
    public TrainingDivergedException(long step, float loss, long lastCheckpointStep, Throwable cause) {
        super(
                "training loss is "
                        + loss
                        + " at step "
                        + step
                        + (lastCheckpointStep >= 0
                                ? "; the last good checkpoint (step " + lastCheckpointStep + ") is intact"
                                : "; no checkpoint was written before it"),
                cause);
        this.step = step;
    }

    /**
     * Returns the step whose loss was not finite.
     *
     * @return the step
     */
    public long step() {
        return step;
    }
}
