package dev.debias.examples;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every method the command line knows, in the order {@code train}, {@code demo}, {@code
 * reproduce} and {@code bench} list them. Adding a method: its {@link MethodEntry} class and one
 * line here.
 */
public final class MethodRegistry {

    private static final Map<String, MethodEntry> ENTRIES = new LinkedHashMap<>();

    static {
        for (MethodEntry entry :
                List.of(
                        new ErmMethod(), new GroupDroMethod(), new LfFMethod(), new JttMethod(), new DisEntMethod(),
                        new DisEntVanillaMethod(), new DcwpMethod(), new CamelMethod())) {
            ENTRIES.put(entry.name(), entry);
        }
    }

    private MethodRegistry() {}

    /**
     * Returns the method names.
     *
     * @return the names, in registry order
     */
    public static List<String> names() {
        return List.copyOf(ENTRIES.keySet());
    }

    /**
     * Returns every entry.
     *
     * @return the entries, in registry order
     */
    public static List<MethodEntry> entries() {
        return List.copyOf(ENTRIES.values());
    }

    /**
     * Returns a method's entry.
     *
     * @param name the method name
     * @return the entry
     * @throws CliException naming the known methods if there is none
     */
    public static MethodEntry get(String name) {
        MethodEntry entry = ENTRIES.get(name);
        if (entry == null) {
            throw new CliException("unknown method '" + name + "'; known: " + String.join(", ", names()));
        }
        return entry;
    }

    /**
     * Returns, for every method option, the methods it applies to.
     *
     * @return option name (without {@code --}) to method names
     */
    static Map<String, List<String>> optionOwners() {
        Map<String, List<String>> owners = new LinkedHashMap<>();
        for (MethodEntry entry : ENTRIES.values()) {
            for (String option : entry.options().keySet()) {
                owners.computeIfAbsent(option, k -> new ArrayList<>()).add(entry.name());
            }
        }
        return owners;
    }
}
