package dev.debias.examples;

/** One sub-command of the {@code debias} command line. */
public interface Command {

    /**
     * Returns the name typed on the command line.
     *
     * @return the name
     */
    String name();

    /**
     * Returns a one-line usage summary.
     *
     * @return the usage
     */
    String usage();

    /**
     * Runs the command.
     *
     * @param args the arguments after the command name
     * @throws Exception on failure; {@link CliException} for user errors
     */
    void run(String[] args) throws Exception;
}
