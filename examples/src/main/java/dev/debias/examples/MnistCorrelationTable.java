package dev.debias.examples;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.apache.commons.math3.stat.descriptive.SummaryStatistics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The MNIST-Correlation table of CAMEL (Goel et al., "Model Patching", ICLR 2021): aggregate
 * (all original test images), robust (worst group) accuracy and the subgroup gap, mean ± std over
 * seeds, of the final and the validation-selected models of ERM, Group DRO and CAMEL, and the
 * robust error of CAMEL against the better baseline (the paper: "cuts robust error rate to a third
 * of other approaches").
 */
final class MnistCorrelationTable {

    /** The methods of the table. */
    static final List<String> METHODS = List.of("erm", "gdro", "camel");

    private MnistCorrelationTable() {}

    static Path runDir(Path runs, String method, long seed) {
        return runs.resolve(runPrefix(method) + seed);
    }

    /** The name of a method's run folders up to the seed. */
    static String runPrefix(String method) {
        return method + "-mnist-correlation-s";
    }

    static String table(Path runs, List<String> methods, List<Long> seeds) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String model : List.of("test", "selection")) {
            sb.append(sb.length() == 0 ? "" : "\n");
            sb.append("MNIST-Correlation, test accuracy (%) of the ")
                    .append(model.equals("test") ? "final model" : "model selected on worst-group validation accuracy")
                    .append(", mean ± std over seeds (n)\n\n");
            sb.append("| method | aggregate | robust (worst group) | subgroup gap |\n|---|---|---|---|\n");
            double[] robust = new double[methods.size()];
            for (int k = 0; k < methods.size(); k++) {
                SummaryStatistics aggregate = new SummaryStatistics();
                SummaryStatistics worst = new SummaryStatistics();
                SummaryStatistics gap = new SummaryStatistics();
                for (long seed : seeds) {
                    Path file = runDir(runs, methods.get(k), seed).resolve("metrics.json");
                    if (!Files.isRegularFile(file)) {
                        continue;
                    }
                    JsonObject json = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
                    JsonObject test = model.equals("test") ? json.getAsJsonObject("test") : json.getAsJsonObject("selection").getAsJsonObject("test");
                    aggregate.addValue(100 * test.get("averageAccuracy").getAsDouble());
                    worst.addValue(100 * test.get("worstGroupAccuracy").getAsDouble());
                    gap.addValue(100 * test.get("subgroupGap").getAsDouble());
                }
                robust[k] = worst.getN() > 0 ? worst.getMean() : Double.NaN;
                sb.append("| ").append(methods.get(k)).append(" | ").append(cell(aggregate)).append(" | ")
                        .append(cell(worst)).append(" | ").append(cell(gap)).append(" |\n");
            }
            int camel = methods.indexOf("camel");
            if (camel >= 0 && !Double.isNaN(robust[camel])) {
                double best = Double.NaN;
                for (int k = 0; k < methods.size(); k++) {
                    if (k != camel && !Double.isNaN(robust[k])) {
                        best = Double.isNaN(best) ? robust[k] : Math.max(best, robust[k]);
                    }
                }
                if (!Double.isNaN(best)) {
                    double ratio = (100 - robust[camel]) / (100 - best);
                    sb.append(String.format(Locale.ROOT,
                            "%nRobust error of CAMEL / the better baseline: %.1f / %.1f = %.2f (target: at most 0.5)%n",
                            100 - robust[camel], 100 - best, ratio));
                }
            }
        }
        return sb.toString();
    }

    private static String cell(SummaryStatistics stats) {
        if (stats.getN() == 0) {
            return "—";
        }
        if (stats.getN() == 1) {
            return String.format(Locale.ROOT, "%.1f (1)", stats.getMean());
        }
        return String.format(Locale.ROOT, "%.1f ± %.1f (%d)", stats.getMean(), stats.getStandardDeviation(), stats.getN());
    }
}
