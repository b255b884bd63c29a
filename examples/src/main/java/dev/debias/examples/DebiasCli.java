package dev.debias.examples;

import dev.debias.train.TrainingStoppedException;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

/**
 * The {@code debias} command line (picocli): {@code describe}, {@code dataset}, {@code train},
 * {@code bench}, {@code demo} and {@code reproduce}, each with {@code --help}. Method options of
 * {@code train} and {@code bench} come from the {@link MethodRegistry}.
 *
 * <p>Exit codes: 0 success; 2 a usage error (an unknown or repeated option, a malformed or
 * out-of-range value, settings that do not fit, e.g. a refused resume); 1 any other failure
 * (missing or unreadable files, divergence, an internal error); 130 or 143 a training stopped by
 * SIGINT or SIGTERM at a step boundary, its checkpoint written ({@link StopOnSignal}).
 */
@Command(
        name = "debias",
        mixinStandardHelpOptions = true,
        versionProvider = DebiasCli.Version.class,
        description = "Debiasing losses and trainers on DJL: train, compare and reproduce on Colored MNIST.",
        subcommands = {
            DescribeCommand.class,
            DatasetCommand.class,
            TrainCommand.class,
            BenchCommand.class,
            DemoCommand.class,
            ReproduceCommand.class,
            AuditCommand.class,
            TranslateCommand.class
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "2:usage error (unknown, repeated or malformed option, settings that do not fit)",
            "1:failure (files, divergence, internal error)",
            "130:stopped by SIGINT (Ctrl-C) after a step, checkpoint written; resume with --resume",
            "143:stopped by SIGTERM after a step, checkpoint written; resume with --resume"
        })
public final class DebiasCli implements Runnable {

    /** Exit code of a usage error. */
    public static final int USAGE = 2;

    /** Exit code of any other failure. */
    public static final int FAILURE = 1;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** Without a subcommand: print the usage and fail. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    /**
     * Returns the command line with every Debias command.
     *
     * @return the command line
     */
    public static CommandLine standard() {
        CommandLine cli = new CommandLine(new DebiasCli());
        cli.setOverwrittenOptionsAllowed(false);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        MethodOptions.register(cli.getSubcommands().get("train").getCommandSpec());
        MethodOptions.register(cli.getSubcommands().get("bench").getCommandSpec());
        cli.setParameterExceptionHandler(DebiasCli::usageError);
        cli.setExecutionExceptionHandler(DebiasCli::failure);
        return cli;
    }

    /**
     * Entry point.
     *
     * @param args the command and its arguments
     */
    public static void main(String[] args) {
        StopOnSignal.install(System.err);
        int code = standard().execute(args);
        System.out.flush();
        System.exit(code);
    }

    private static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println(prefix(cmd) + e.getMessage());
        if (!CommandLine.UnmatchedArgumentException.printSuggestions(e, err)) {
            err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
        }
        err.flush();
        return USAGE;
    }

    private static int failure(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        if (e instanceof TrainingStoppedException) {
            err.println(prefix(cmd) + e.getMessage());
            err.flush();
            return StopOnSignal.exitCode();
        }
        if (e instanceof CliException || e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
            err.println(prefix(cmd) + e.getMessage());
            err.flush();
            return USAGE;
        }
        err.println(prefix(cmd) + (e instanceof IOException || e instanceof UncheckedIOException ? e.getMessage() : e.toString()));
        err.flush();
        return FAILURE;
    }

    private static String prefix(CommandLine cmd) {
        return cmd.getCommandSpec().qualifiedName() + ": ";
    }

    /** The version of the build, from the examples jar's filtered {@code version.properties}. */
    static final class Version implements CommandLine.IVersionProvider {

        @Override
        public String[] getVersion() throws IOException {
            return new String[] {
                "debias " + RunManifest.version(),
                "Java " + System.getProperty("java.version") + ", DJL " + ai.djl.engine.Engine.getDjlVersion()
            };
        }
    }
}
