package dev.debias.examples;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Parses {@code --name value} and {@code --flag} arguments of one command and rejects unknown or
 * malformed ones with a {@link CliException}.
 */
public final class CliArguments {

    private final String command;
    private final Map<String, String> values = new HashMap<>();
    private final Set<String> used = new HashSet<>();

    /**
     * Parses the arguments after the command name.
     *
     * @param command the command name, for messages
     * @param args the arguments
     * @param flags option names that take no value
     */
    public CliArguments(String command, String[] args, Set<String> flags) {
        this.command = command;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new CliException(command + ": unexpected argument '" + arg + "'");
            }
            String name = arg.substring(2);
            if (flags.contains(name)) {
                values.put(name, "true");
            } else {
                if (i + 1 >= args.length) {
                    throw new CliException(command + ": option --" + name + " needs a value");
                }
                values.put(name, args[++i]);
            }
        }
    }

    /**
     * Returns an option's value, or a default.
     *
     * @param name the option name without dashes
     * @param fallback the default
     * @return the value
     */
    public String get(String name, String fallback) {
        used.add(name);
        return values.getOrDefault(name, fallback);
    }

    /**
     * Returns whether an option was given.
     *
     * @param name the option name
     * @return true if present
     */
    public boolean has(String name) {
        used.add(name);
        return values.containsKey(name);
    }

    /**
     * Returns an integer option.
     *
     * @param name the option name
     * @param fallback the default
     * @return the value
     */
    public long getLong(String name, long fallback) {
        String v = get(name, null);
        if (v == null) {
            return fallback;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new CliException(command + ": --" + name + " expects an integer, got '" + v + "'");
        }
    }

    /**
     * Returns a decimal option.
     *
     * @param name the option name
     * @param fallback the default
     * @return the value
     */
    public double getDouble(String name, double fallback) {
        String v = get(name, null);
        if (v == null) {
            return fallback;
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new CliException(command + ": --" + name + " expects a number, got '" + v + "'");
        }
    }

    /** Fails if an option was given that the command never asked for. */
    public void rejectUnknown() {
        for (String name : values.keySet()) {
            if (!used.contains(name)) {
                throw new CliException(command + ": unknown option --" + name);
            }
        }
    }
}
