package dev.debias.examples;

import dev.debias.train.GroupDroConfig;
import dev.debias.train.JttConfig;
import dev.debias.train.LfFConfig;

import java.util.Set;

/**
 * Method hyperparameters that the command line can override; each is null where the method's
 * preset applies.
 *
 * @param groupBalanced ERM/Group DRO: group-balanced (true) or shuffled (false) batches
 * @param stepSize Group DRO: eta
 * @param q LfF: the GCE exponent
 * @param emaAlpha LfF: the per-sample loss EMA factor
 * @param identificationEpochs JTT: T + 1
 * @param upweight JTT: lambda_up, or {@link #BALANCING_UPWEIGHT}
 */
public record MethodOptions(
        Boolean groupBalanced,
        Double stepSize,
        Float q,
        Float emaAlpha,
        Integer identificationEpochs,
        Integer upweight) {

    /** {@code --upweight auto}: JTT derives lambda_up from its error set (its {@code --up_weight -1}). */
    public static final int BALANCING_UPWEIGHT = -1;

    /** No overrides: every method's preset. */
    public static final MethodOptions PRESETS = new MethodOptions(null, null, null, null, null, null);

    /**
     * Reads the overrides from the command line and rejects those that do not apply to the
     * method.
     *
     * @param method the method name
     * @param a the arguments
     * @return the overrides
     */
    static MethodOptions parse(String method, CliArguments a) {
        MethodOptions o =
                new MethodOptions(
                        sampler(a.get("sampler", "default")),
                        a.has("eta") ? a.getDouble("eta", 0) : null,
                        a.has("q") ? (float) a.getDouble("q", 0) : null,
                        a.has("ema-alpha") ? (float) a.getDouble("ema-alpha", 0) : null,
                        a.has("identification-epochs") ? (int) a.getLong("identification-epochs", 0) : null,
                        upweight(a));
        check(method, "--sampler", o.groupBalanced, Set.of("erm", "gdro"));
        check(method, "--eta", o.stepSize, Set.of("gdro"));
        check(method, "--q", o.q, Set.of("lff"));
        check(method, "--ema-alpha", o.emaAlpha, Set.of("lff"));
        check(method, "--identification-epochs", o.identificationEpochs, Set.of("jtt"));
        check(method, "--upweight", o.upweight, Set.of("jtt"));
        return o;
    }

    private static Integer upweight(CliArguments a) {
        if (!a.has("upweight")) {
            return null;
        }
        if ("auto".equals(a.get("upweight", null))) {
            return BALANCING_UPWEIGHT;
        }
        long value = a.getLong("upweight", 0);
        if (value < 1) {
            throw new CliException("--upweight must be a positive number of extra copies or 'auto', got " + value);
        }
        return (int) value;
    }

    private static void check(String method, String option, Object value, Set<String> methods) {
        if (value != null && !methods.contains(method)) {
            throw new CliException(option + " applies to " + String.join(", ", methods) + " only, not " + method);
        }
    }

    private static Boolean sampler(String name) {
        switch (name) {
            case "default":
                return null;
            case "shuffle":
                return Boolean.FALSE;
            case "group-balanced":
                return Boolean.TRUE;
            default:
                throw new CliException("--sampler must be default, shuffle or group-balanced, got '" + name + "'");
        }
    }

    GroupDroConfig.Builder apply(GroupDroConfig.Builder b) {
        if (groupBalanced != null) {
            b.optGroupBalanced(groupBalanced);
        }
        if (stepSize != null) {
            b.optStepSize(stepSize);
        }
        return b;
    }

    LfFConfig.Builder apply(LfFConfig.Builder b) {
        if (q != null) {
            b.optQ(q);
        }
        if (emaAlpha != null) {
            b.optEmaAlpha(emaAlpha);
        }
        return b;
    }

    JttConfig.Builder apply(JttConfig.Builder b) {
        if (upweight != null && upweight == BALANCING_UPWEIGHT) {
            b.optBalancingUpweight();
        } else if (upweight != null) {
            b.optUpweight(upweight);
        }
        return b;
    }
}
