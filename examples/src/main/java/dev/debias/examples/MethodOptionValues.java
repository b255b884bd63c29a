package dev.debias.examples;

import java.util.Map;

/** Reads a method's own option values, naming the option when one is malformed. */
final class MethodOptionValues {

    private final Map<String, String> values;

    MethodOptionValues(Map<String, String> values) {
        this.values = values;
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    String text(String name) {
        return values.get(name);
    }

    double number(String name) {
        String v = values.get(name);
        try {
            double d = Double.parseDouble(v);
            if (!Double.isFinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException | NullPointerException e) {
            throw new CliException("--" + name + " expects a finite number, got '" + v + "'");
        }
    }

    int positiveInt(String name) {
        String v = values.get(name);
        try {
            int i = Integer.parseInt(v);
            if (i < 1) {
                throw new NumberFormatException();
            }
            return i;
        } catch (NumberFormatException e) {
            throw new CliException("--" + name + " expects a whole number >= 1, got '" + v + "'");
        }
    }

    /** Reads {@code --sampler default|shuffle|group-balanced}: null, false or true. */
    Boolean groupBalanced() {
        if (!has("sampler")) {
            return null;
        }
        switch (text("sampler")) {
            case "default":
                return null;
            case "shuffle":
                return Boolean.FALSE;
            case "group-balanced":
                return Boolean.TRUE;
            default:
                throw new CliException("--sampler must be default, shuffle or group-balanced, got '" + text("sampler") + "'");
        }
    }
}
