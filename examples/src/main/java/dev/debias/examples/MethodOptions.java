package dev.debias.examples;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The methods' own options on the command line: every option of every {@link MethodEntry}, added
 * to a command's picocli spec, and read back for the chosen method. An option of another method
 * is refused, naming the methods it belongs to.
 */
final class MethodOptions {

    private MethodOptions() {}

    /**
     * Adds every method option to a command.
     *
     * @param spec the command's spec
     */
    static void register(CommandSpec spec) {
        spec.usageMessage().footer("%nMethods: " + String.join(", ", MethodRegistry.names())
                + ". Method options apply to the methods named before their help.");
        Map<String, List<String>> owners = MethodRegistry.optionOwners();
        for (Map.Entry<String, List<String>> e : owners.entrySet()) {
            String help = MethodRegistry.get(e.getValue().get(0)).options().get(e.getKey());
            spec.addOption(
                    OptionSpec.builder("--" + e.getKey())
                            .paramLabel("VALUE")
                            .type(String.class)
                            .description(String.join(", ", e.getValue()) + ": " + help)
                            .build());
        }
    }

    /**
     * Reads the method options given on a command's line.
     *
     * @param spec the command's spec, after parsing
     * @param method the chosen method
     * @return option name (without {@code --}) to value
     * @throws CliException if an option of another method was given
     */
    static Map<String, String> read(CommandSpec spec, String method) {
        ParseResult parsed = spec.commandLine().getParseResult();
        Map<String, String> values = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : MethodRegistry.optionOwners().entrySet()) {
            OptionSpec option = spec.findOption("--" + e.getKey());
            if (option != null && parsed.hasMatchedOption(option)) {
                if (!e.getValue().contains(method)) {
                    throw new CliException(
                            "--" + e.getKey() + " applies to " + String.join(", ", e.getValue()) + " only, not " + method);
                }
                values.put(e.getKey(), option.getValue());
            }
        }
        return values;
    }
}
