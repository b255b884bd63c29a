package dev.debias.examples;

/** A user error on the command line: printed as one line, exit code 2. */
public final class CliException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong, in one line
     */
    public CliException(String message) {
        super(message);
    }
}
