package dev.debias.examples;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import dev.debias.io.AtomicFiles;
import dev.debias.train.ModelSelection;

import org.apache.commons.math3.stat.descriptive.SummaryStatistics;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code debias reproduce}: the Colored MNIST table of the debiasing papers. Runs every missing
 * (method, conflict percentage, seed) combination with the LfF protocol (resuming interrupted
 * ones), then prints and writes mean ± standard deviation over seeds of the final models'
 * unbiased test accuracy beside the published numbers.
 */
public final class ReproduceCommand implements Command {

    /**
     * Unbiased test accuracy (%) on Colored MNIST at 0.5/1/2/5 % conflicting, from runs of the
     * official code published by later work (quoted in the project's issue).
     */
    static final Map<String, double[]> PUBLISHED =
            Map.of(
                    "erm", new double[] {35.3, 50.3, 62.3, 77.6},
                    "lff", new double[] {63.4, 74.0, 80.5, 85.4},
                    "gdro", new double[] {59.7, 71.3, 76.3, 84.4},
                    "jtt", new double[] {53.0, 61.7, 74.2, 85.0});

    static final List<Double> PUBLISHED_PERCENTS = List.of(0.5, 1.0, 2.0, 5.0);

    /**
     * The share of MNIST training digits held out for validation: small, so that training keeps
     * 59,400 of the protocol's 60,000 images (a 10 % holdout cost ERM 2.6 points at 1 %).
     */
    static final double VALIDATION_FRACTION = 0.01;

    /**
     * The rule for the selected models: unbiased validation accuracy. The 1 % holdout has about
     * six images in each of the 100 (digit, colour) cells, so its worst-group accuracy is 0 or
     * ties for most of a run and picks a checkpoint close to chance; the mean over cells is the
     * quantity the table reports and is estimated from all 600 images.
     */
    static final ModelSelection SELECTION = ModelSelection.UNBIASED;

    /** {@inheritDoc} */
    @Override
    public String name() {
        return "reproduce";
    }

    /** {@inheritDoc} */
    @Override
    public String usage() {
        return "reproduce [--runs DIR] [--methods erm,gdro,lff,jtt] [--conflict-pcts 0.5,1,2,5] [--seeds 0,1,2]\n"
                + "        [--iterations N] [--report-only]   Colored MNIST table, mean ± std beside the published numbers";
    }

    /** {@inheritDoc} */
    @Override
    public void run(String[] args) throws Exception {
        CliArguments a = new CliArguments(name(), args, Set.of("report-only"));
        Path runs = Paths.get(a.get("runs", "runs/reproduce"));
        List<String> methods = Arrays.asList(a.get("methods", String.join(",", Methods.NAMES)).split(","));
        for (String m : methods) {
            if (!Methods.NAMES.contains(m)) {
                throw new CliException("unknown method '" + m + "'; known: " + String.join(", ", Methods.NAMES));
            }
        }
        List<Double> percents = new ArrayList<>();
        for (String p : a.get("conflict-pcts", "0.5,1,2,5").split(",")) {
            percents.add(parseNumber(p, "--conflict-pcts"));
        }
        List<Long> seeds = new ArrayList<>();
        for (String s : a.get("seeds", "0,1,2").split(",")) {
            seeds.add((long) parseNumber(s, "--seeds"));
        }
        long iterations = a.getLong("iterations", 23_500);
        boolean reportOnly = a.has("report-only");
        a.rejectUnknown();

        if (!reportOnly) {
            for (long seed : seeds) {
                for (double pct : percents) {
                    for (String method : methods) {
                        Path out = runDir(runs, method, pct, seed);
                        if (Files.isRegularFile(out.resolve("metrics.json"))) {
                            continue;
                        }
                        System.out.printf(Locale.ROOT, "=== %s, %.1f%%, seed %d ===%n", method, pct, seed);
                        TrainCommand.RunSettings settings =
                                new TrainCommand.RunSettings(
                                        ExperimentData.COLORED_MNIST, pct, 4, seed, iterations, 0, 256, 1e-3f, 0f, 235,
                                        VALIDATION_FRACTION, "mlp", SELECTION, true, false, MethodOptions.PRESETS);
                        TrainCommand.train(method, settings, out, true);
                    }
                }
            }
        }
        String table =
                table(runs, methods, percents, seeds, false) + "\n" + table(runs, methods, percents, seeds, true);
        System.out.print(table);
        AtomicFiles.writeString(runs.resolve("summary.md"), table);
    }

    private static double parseNumber(String text, String option) {
        try {
            return Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new CliException(option + " expects comma-separated numbers, got '" + text + "'");
        }
    }

    static Path runDir(Path runs, String method, double pct, long seed) {
        String p = pct == Math.rint(pct) ? Long.toString((long) pct) : Double.toString(pct);
        return runs.resolve(method + "-" + p + "-s" + seed);
    }

    /**
     * The Markdown table of mean ± std (n seeds) beside the published numbers.
     *
     * @param selected false for the final models (LfF's protocol), true for the models selected
     *     on validation ({@code selection.test} in metrics.json)
     */
    static String table(Path runs, List<String> methods, List<Double> percents, List<Long> seeds, boolean selected)
            throws java.io.IOException {
        StringBuilder sb = new StringBuilder();
        sb.append("Colored MNIST, unbiased test accuracy (%) of the ")
                .append(selected ? "model selected on validation" : "final model")
                .append(", mean ± std over seeds (n)\n\n");
        sb.append("| method |");
        for (double p : percents) {
            sb.append(String.format(Locale.ROOT, " %s %% (ours) | %s %% (published) |", p, p));
        }
        sb.append("\n|---|");
        for (int i = 0; i < percents.size(); i++) {
            sb.append("---|---|");
        }
        sb.append('\n');
        for (String method : methods) {
            sb.append("| ").append(method).append(" |");
            for (double p : percents) {
                SummaryStatistics stats = new SummaryStatistics();
                for (long seed : seeds) {
                    Path file = runDir(runs, method, p, seed).resolve("metrics.json");
                    if (Files.isRegularFile(file)) {
                        JsonObject json = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
                        JsonObject test =
                                selected
                                        ? json.getAsJsonObject("selection").getAsJsonObject("test")
                                        : json.getAsJsonObject("test");
                        stats.addValue(100 * test.get("unbiasedAccuracy").getAsDouble());
                    }
                }
                String ours =
                        stats.getN() == 0
                                ? "—"
                                : stats.getN() == 1
                                        ? String.format(Locale.ROOT, "%.1f (1)", stats.getMean())
                                        : String.format(Locale.ROOT, "%.1f ± %.1f (%d)", stats.getMean(), stats.getStandardDeviation(), stats.getN());
                int k = PUBLISHED_PERCENTS.indexOf(p);
                double[] published = PUBLISHED.get(method);
                String theirs = k >= 0 && published != null ? String.format(Locale.ROOT, "%.1f", published[k]) : "—";
                sb.append(' ').append(ours).append(" | ").append(theirs).append(" |");
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
