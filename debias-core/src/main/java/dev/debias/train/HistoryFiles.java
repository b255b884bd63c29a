package dev.debias.train;

import dev.debias.metrics.GroupMetrics;
import dev.debias.metrics.GroupMetricsReport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * The validation history of a run, one line per evaluation, as JSON Lines ({@value #JSONL}) and
 * CSV ({@value #CSV}) next to the checkpoints. Each line is appended whole with one write.
 */
public final class HistoryFiles {

    /** File name of the JSON Lines history. */
    public static final String JSONL = "history.jsonl";

    /** File name of the CSV history. */
    public static final String CSV = "history.csv";

    private static final String CSV_HEADER =
            "step,epoch,trainLoss,averageAccuracy,worstGroupAccuracy,unbiasedAccuracy,"
                    + "alignedAccuracy,conflictingAccuracy";

    private HistoryFiles() {}

    /**
     * Appends one evaluation to both files, creating them (with the CSV header) if needed.
     *
     * @param dir the run directory
     * @param record the evaluation
     * @throws IOException if writing fails
     */
    public static void append(Path dir, EvaluationRecord record) throws IOException {
        Files.createDirectories(dir);
        GroupMetrics m = record.validation();
        String json =
                String.format(
                        Locale.ROOT,
                        "{\"step\":%d,\"epoch\":%d,\"trainLoss\":%s,\"validation\":%s}%n",
                        record.step(),
                        record.epoch(),
                        number(record.trainLoss()),
                        new GroupMetricsReport(m).toJsonObject().toString());
        appendLine(dir.resolve(JSONL), json, null);
        String csv =
                String.format(
                        Locale.ROOT,
                        "%d,%d,%s,%s,%s,%s,%s,%s%n",
                        record.step(),
                        record.epoch(),
                        number(record.trainLoss()),
                        number(m.averageAccuracy()),
                        number(m.worstGroupAccuracy()),
                        number(m.unbiasedAccuracy()),
                        number(m.alignedAccuracy()),
                        number(m.conflictingAccuracy()));
        appendLine(dir.resolve(CSV), csv, CSV_HEADER + System.lineSeparator());
    }

    private static String number(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "null";
    }

    private static void appendLine(Path file, String line, String header) throws IOException {
        String text = line;
        if (header != null && !Files.exists(file)) {
            text = header + line;
        }
        Files.write(
                file,
                text.getBytes(StandardCharsets.UTF_8),
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }
}
