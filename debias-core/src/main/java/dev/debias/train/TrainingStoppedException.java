package dev.debias.train;

import java.util.OptionalLong;

/**
 * Thrown by a training run that stopped at a step boundary because its {@link StopRequest} was
 * made. The message names the phase, the step reached and the checkpoint a resumed run continues
 * from.
 */
public final class TrainingStoppedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String phase;
    private final long step;
    private final long checkpointStep;

    /**
     * Creates the exception.
     *
     * @param phase the phase that was running
     * @param step the steps the phase had completed
     * @param checkpointStep the step of the phase's latest {@code last} checkpoint, or -1 for none
     * @param reason why the run was asked to stop
     */
    public TrainingStoppedException(String phase, long step, long checkpointStep, String reason) {
        super(message(phase, step, checkpointStep, reason));
        this.phase = phase;
        this.step = step;
        this.checkpointStep = checkpointStep;
    }

    private static String message(String phase, long step, long checkpointStep, String reason) {
        String where = "training stopped (" + reason + ") in phase " + phase + " after step " + step;
        if (checkpointStep < 0) {
            return where + "; the phase has no checkpoint (the run has no checkpoint directory, or had not started the phase)";
        }
        return where + "; its last checkpoint is at step " + checkpointStep + ": run again with resume to continue from it";
    }

    /**
     * Returns the phase that was running.
     *
     * @return its name
     */
    public String phase() {
        return phase;
    }

    /**
     * Returns how many steps the phase had completed.
     *
     * @return the step
     */
    public long step() {
        return step;
    }

    /**
     * Returns the step of the phase's latest checkpoint, the step a resumed run continues from.
     *
     * @return the step, or empty if the phase has no checkpoint
     */
    public OptionalLong checkpointStep() {
        return checkpointStep < 0 ? OptionalLong.empty() : OptionalLong.of(checkpointStep);
    }
}
