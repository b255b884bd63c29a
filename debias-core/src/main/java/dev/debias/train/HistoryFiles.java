package dev.debias.train;

import com.google.gson.JsonObject;

import dev.debias.io.AtomicFiles;
import dev.debias.metrics.GroupMetrics;
import dev.debias.metrics.GroupMetricsReport;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The validation history of a run, one line per evaluation of every phase, as JSON Lines
 * ({@value #JSONL}) and CSV ({@value #CSV}) next to the checkpoints. Both files are rewritten
 * whole and atomically from the history the checkpoints hold, so a kill never leaves a partial,
 * missing or duplicated line.
 */
public final class HistoryFiles {

    /** File name of the JSON Lines history. */
    public static final String JSONL = "history.jsonl";

    /** File name of the CSV history. */
    public static final String CSV = "history.csv";

    private static final String CSV_HEADER =
            "phase,step,epoch,trainLoss,averageAccuracy,worstGroupAccuracy,unbiasedAccuracy,"
                    + "alignedAccuracy,conflictingAccuracy";

    private HistoryFiles() {}

    /**
     * Writes both files from a run's history. The CSV has one {@code term.<name>} column per
     * named loss term that any record holds (empty where a record does not).
     *
     * @param dir the run's checkpoint directory
     * @param records every evaluation of the run, in order
     * @throws IOException if writing fails; the previous files are then unchanged
     */
    public static void write(Path dir, List<EvaluationRecord> records) throws IOException {
        Set<String> terms = new LinkedHashSet<>();
        for (EvaluationRecord r : records) {
            r.terms().keySet().stream().filter(k -> !StepResult.LOSS.equals(k)).forEach(terms::add);
        }
        StringBuilder jsonl = new StringBuilder();
        StringBuilder csv = new StringBuilder(CSV_HEADER);
        terms.forEach(t -> csv.append(",term.").append(t));
        csv.append('\n');
        for (EvaluationRecord r : records) {
            JsonObject json = new JsonObject();
            json.addProperty("phase", r.phase());
            json.addProperty("step", r.step());
            json.addProperty("epoch", r.epoch());
            json.addProperty("trainLoss", finite(r.trainLoss()));
            JsonObject termJson = new JsonObject();
            for (Map.Entry<String, Double> e : r.terms().entrySet()) {
                termJson.addProperty(e.getKey(), finite(e.getValue()));
            }
            json.add("terms", termJson);
            json.add("validation", new GroupMetricsReport(r.validation()).toJsonObject());
            jsonl.append(json).append('\n');
            GroupMetrics m = r.validation();
            csv.append(
                    String.format(
                            Locale.ROOT,
                            "%s,%d,%d,%s,%s,%s,%s,%s,%s",
                            r.phase(),
                            r.step(),
                            r.epoch(),
                            number(r.trainLoss()),
                            number(m.averageAccuracy()),
                            number(m.worstGroupAccuracy()),
                            number(m.unbiasedAccuracy()),
                            number(m.alignedAccuracy()),
                            number(m.conflictingAccuracy())));
            for (String t : terms) {
                Double v = r.terms().get(t);
                csv.append(',').append(v == null ? "" : number(v));
            }
            csv.append('\n');
        }
        AtomicFiles.writeString(dir.resolve(JSONL), jsonl.toString());
        AtomicFiles.writeString(dir.resolve(CSV), csv.toString());
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    private static String number(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "null";
    }
}
