package dev.debias.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code debias} command line. Each sub-command is a {@link Command}; user errors end with a
 * one-line message on standard error and exit code 2, other failures with exit code 1.
 */
public final class DebiasCli {

    private final Map<String, Command> commands = new LinkedHashMap<>();

    /**
     * Creates the command line with the given commands.
     *
     * @param available the commands
     */
    public DebiasCli(List<Command> available) {
        for (Command c : available) {
            commands.put(c.name(), c);
        }
    }

    /**
     * Returns the command line with every Debias command.
     *
     * @return the command line
     */
    public static DebiasCli standard() {
        return new DebiasCli(
                List.of(
                        new DescribeCommand(),
                        new DatasetCommand(),
                        new TrainCommand(),
                        new BenchCommand(),
                        new DemoCommand(),
                        new ReproduceCommand()));
    }

    /**
     * Entry point.
     *
     * @param args the command and its arguments
     */
    public static void main(String[] args) {
        int code = standard().execute(args);
        System.out.flush();
        System.exit(code);
    }

    /**
     * Runs a command line and returns the exit code instead of exiting.
     *
     * @param args the command and its arguments
     * @return 0 on success, 2 for a user error, 1 for another failure
     */
    public int execute(String... args) {
        if (args.length == 0 || "help".equals(args[0]) || "--help".equals(args[0])) {
            System.out.println(help());
            return args.length == 0 ? 2 : 0;
        }
        Command command = commands.get(args[0]);
        if (command == null) {
            System.err.println("debias: unknown command '" + args[0] + "'; commands: " + String.join(", ", commands.keySet()));
            return 2;
        }
        try {
            command.run(Arrays.copyOfRange(args, 1, args.length));
            return 0;
        } catch (CliException | IllegalArgumentException | IllegalStateException e) {
            System.err.println("debias " + command.name() + ": " + e.getMessage());
            return 2;
        } catch (IOException | UncheckedIOException e) {
            System.err.println("debias " + command.name() + ": " + e.getMessage());
            return 1;
        } catch (Exception e) {
            System.err.println("debias " + command.name() + ": " + e);
            return 1;
        }
    }

    private String help() {
        StringBuilder sb = new StringBuilder("usage: debias <command> [options]\n\ncommands:\n");
        for (Command c : commands.values()) {
            sb.append("  ").append(c.usage()).append('\n');
        }
        return sb.toString();
    }
}
