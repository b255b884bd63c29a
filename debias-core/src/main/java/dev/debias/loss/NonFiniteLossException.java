package dev.debias.loss;

/**
 * Thrown by a loss whose inputs or value are NaN or infinite. It is an {@link
 * IllegalArgumentException} (the predictions handed to the loss are bad); Debias trainers turn it
 * into a {@code TrainingDivergedException} that names the step.
 */
public class NonFiniteLossException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was not finite, and where
     */
    public NonFiniteLossException(String message) {
        super(message);
    }
}
