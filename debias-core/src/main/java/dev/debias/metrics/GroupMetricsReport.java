package dev.debias.metrics;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

import dev.debias.data.GroupSpec;
import dev.debias.io.AtomicFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Renders a {@link GroupMetrics} as a console table, JSON or CSV, and writes the files atomically
 * (through {@link AtomicFiles}: a reader never sees a half-written file).
 *
 * <p>Accuracies are fractions in {@code [0, 1]} in JSON and CSV and percentages in the console
 * table. Undefined values ({@code NaN}) are JSON {@code null}, an empty CSV field and {@code n/a}
 * in the table.
 *
 * <p>JSON layout ({@link #toJsonObject()}): the keys of {@link GroupMetric} ({@code
 * averageAccuracy}, {@code worstGroupAccuracy}, {@code bestGroupAccuracy}, {@code
 * unbiasedAccuracy}, {@code alignedAccuracy}, {@code conflictingAccuracy}, {@code gap}, {@code
 * adjustedAccuracy}, {@code balancedAccuracy}, {@code worstClassAccuracy}, {@code meanLoss}), then
 * {@code count}, {@code correct}, {@code unknownGroupCount}, {@code worstGroup} (the group id or
 * {@code null}), a {@code groups} array with one object per group (empty groups included) with
 * {@code group, name, label, attribute, aligned, conflicting, count, correct, accuracy}, and a
 * {@code classes} array of {@code label, name, count, correct, accuracy}.
 *
 * <p>CSV layout ({@link #toCsv()}): header {@code
 * group,name,label,attribute,aligned,conflicting,count,correct,accuracy} and one row per group.
 */
public final class GroupMetricsReport {

    /** The CSV header line (without line break). */
    public static final String CSV_HEADER =
            "group,name,label,attribute,aligned,conflicting,count,correct,accuracy";

    private static final Gson GSON =
            new GsonBuilder().setPrettyPrinting().serializeNulls().create();

    private final GroupMetrics metrics;

    /**
     * Creates a report of one result.
     *
     * @param metrics the metrics to render
     */
    public GroupMetricsReport(GroupMetrics metrics) {
        this.metrics = metrics;
    }

    /**
     * Returns the metrics this report renders.
     *
     * @return the metrics
     */
    public GroupMetrics metrics() {
        return metrics;
    }

    /**
     * Returns the metrics as a JSON object, for nesting in larger documents (e.g. {@code {"test":
     * ..., "validation": ...}}); write those with {@link #toJson(JsonElement)} or {@link
     * #writeJson(Path, JsonElement)} so that {@code null}s are kept.
     *
     * @return a new JSON object
     */
    public JsonObject toJsonObject() {
        GroupSpec spec = metrics.groupSpec();
        JsonObject root = new JsonObject();
        for (GroupMetric metric : GroupMetric.values()) {
            root.add(metric.key(), number(metric.of(metrics)));
        }
        root.addProperty("count", metrics.count());
        root.addProperty("correct", metrics.correct());
        root.addProperty("unknownGroupCount", metrics.unknownGroupCount());
        int worst = metrics.worstGroup();
        root.add("worstGroup", worst < 0 ? JsonNull.INSTANCE : new JsonPrimitive(worst));
        JsonArray groups = new JsonArray();
        for (int g = 0; g < spec.numGroups(); g++) {
            JsonObject group = new JsonObject();
            group.addProperty("group", g);
            group.addProperty("name", spec.groupName(g));
            group.addProperty("label", spec.classOf(g));
            group.addProperty("attribute", spec.attributeOf(g));
            group.addProperty("aligned", spec.isAligned(g));
            group.addProperty("conflicting", spec.isConflicting(g));
            group.addProperty("count", metrics.groupCount(g));
            group.addProperty("correct", metrics.groupCorrect(g));
            group.add("accuracy", number(metrics.groupAccuracy(g)));
            groups.add(group);
        }
        root.add("groups", groups);
        JsonArray classes = new JsonArray();
        for (int y = 0; y < spec.numClasses(); y++) {
            JsonObject label = new JsonObject();
            label.addProperty("label", y);
            label.addProperty("name", spec.classNames().get(y));
            label.addProperty("count", metrics.classCount(y));
            label.addProperty("correct", metrics.classCorrect(y));
            label.add("accuracy", number(metrics.classAccuracy(y)));
            classes.add(label);
        }
        root.add("classes", classes);
        return root;
    }

    /**
     * Returns the metrics as pretty-printed JSON.
     *
     * @return the JSON text
     */
    public String toJson() {
        return toJson(toJsonObject());
    }

    /**
     * Pretty-prints any JSON element, keeping {@code null} members (undefined metrics).
     *
     * @param json the element
     * @return the JSON text
     */
    public static String toJson(JsonElement json) {
        return GSON.toJson(json);
    }

    /**
     * Returns the per-group CSV: {@link #CSV_HEADER} and one row per group, accuracies as
     * fractions, an empty field for an empty group's accuracy.
     *
     * @return the CSV text, lines ending in {@code \n}
     */
    public String toCsv() {
        GroupSpec spec = metrics.groupSpec();
        StringBuilder out = new StringBuilder(CSV_HEADER).append('\n');
        for (int g = 0; g < spec.numGroups(); g++) {
            out.append(g)
                    .append(',')
                    .append(csvField(spec.groupName(g)))
                    .append(',')
                    .append(spec.classOf(g))
                    .append(',')
                    .append(spec.attributeOf(g))
                    .append(',')
                    .append(spec.isAligned(g))
                    .append(',')
                    .append(spec.isConflicting(g))
                    .append(',')
                    .append(metrics.groupCount(g))
                    .append(',')
                    .append(metrics.groupCorrect(g))
                    .append(',')
                    .append(csvNumber(metrics.groupAccuracy(g)))
                    .append('\n');
        }
        return out.toString();
    }

    /**
     * Returns a console table: one row per non-empty group (id, name, n, accuracy in percent,
     * aligned/conflicting tag), then one line per summary metric.
     *
     * @return the table text, lines ending in {@code \n}
     */
    public String toTable() {
        GroupSpec spec = metrics.groupSpec();
        int nameWidth = "name".length();
        for (int g = 0; g < spec.numGroups(); g++) {
            nameWidth = Math.max(nameWidth, spec.groupName(g).length());
        }
        String rowFormat = "%5s  %-" + nameWidth + "s  %10s  %10s%s%n";
        StringBuilder out = new StringBuilder();
        out.append(
                String.format(Locale.ROOT, rowFormat, "group", "name", "n", "accuracy", "  tag"));
        for (int g = 0; g < spec.numGroups(); g++) {
            if (metrics.groupCount(g) == 0) {
                continue;
            }
            String tag =
                    spec.isAligned(g) ? "  aligned" : spec.isConflicting(g) ? "  conflicting" : "";
            out.append(
                    String.format(
                            Locale.ROOT,
                            rowFormat,
                            g,
                            spec.groupName(g),
                            metrics.groupCount(g),
                            percent(metrics.groupAccuracy(g)),
                            tag));
        }
        summaryLine(
                out,
                "average accuracy",
                percent(metrics.averageAccuracy()),
                String.format(
                        Locale.ROOT,
                        "  (n = %d, %d with unknown group)",
                        metrics.count(),
                        metrics.unknownGroupCount()));
        summaryLine(
                out,
                "worst-group accuracy",
                percent(metrics.worstGroupAccuracy()),
                metrics.worstGroup() < 0 ? "" : "  (" + spec.groupName(metrics.worstGroup()) + ")");
        summaryLine(out, "best-group accuracy", percent(metrics.bestGroupAccuracy()), "");
        summaryLine(out, "unbiased accuracy", percent(metrics.unbiasedAccuracy()), "");
        summaryLine(out, "aligned accuracy", percent(metrics.alignedAccuracy()), "");
        summaryLine(out, "conflicting accuracy", percent(metrics.conflictingAccuracy()), "");
        summaryLine(out, "gap (aligned - confl.)", points(metrics.gap()), "");
        summaryLine(out, "adjusted accuracy", percent(metrics.adjustedAccuracy()), "");
        summaryLine(out, "balanced accuracy", percent(metrics.balancedAccuracy()), "");
        summaryLine(out, "worst-class accuracy", percent(metrics.worstClassAccuracy()), "");
        if (!Double.isNaN(metrics.meanLoss())) {
            summaryLine(
                    out, "mean loss", String.format(Locale.ROOT, "%.4f", metrics.meanLoss()), "");
        }
        return out.toString();
    }

    /**
     * Writes {@link #toJson()} to a file atomically.
     *
     * @param path the target file
     * @throws IOException if writing fails; the target is then untouched
     */
    public void writeJson(Path path) throws IOException {
        AtomicFiles.writeString(path, toJson() + "\n");
    }

    /**
     * Writes any JSON element (e.g. several nested reports) to a file atomically, keeping {@code
     * null} members.
     *
     * @param path the target file
     * @param json the element
     * @throws IOException if writing fails; the target is then untouched
     */
    public static void writeJson(Path path, JsonElement json) throws IOException {
        AtomicFiles.writeString(path, toJson(json) + "\n");
    }

    /**
     * Writes {@link #toCsv()} to a file atomically.
     *
     * @param path the target file
     * @throws IOException if writing fails; the target is then untouched
     */
    public void writeCsv(Path path) throws IOException {
        AtomicFiles.writeString(path, toCsv());
    }

    /**
     * Writes {@link #toTable()} to a text file atomically.
     *
     * @param path the target file
     * @throws IOException if writing fails; the target is then untouched
     */
    public void writeTable(Path path) throws IOException {
        AtomicFiles.writeString(path, toTable());
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return toTable();
    }

    private static void summaryLine(StringBuilder out, String label, String value, String note) {
        out.append(String.format(Locale.ROOT, "%-22s  %10s%s%n", label, value, note));
    }

    private static JsonElement number(double value) {
        return Double.isNaN(value) ? JsonNull.INSTANCE : new JsonPrimitive(value);
    }

    private static String percent(double fraction) {
        return Double.isNaN(fraction)
                ? "n/a"
                : String.format(Locale.ROOT, "%.2f %%", 100 * fraction);
    }

    private static String points(double difference) {
        return Double.isNaN(difference)
                ? "n/a"
                : String.format(Locale.ROOT, "%+.2f pp", 100 * difference);
    }

    private static String csvNumber(double value) {
        return Double.isNaN(value) ? "" : Double.toString(value);
    }

    private static String csvField(String text) {
        if (text.indexOf(',') < 0 && text.indexOf('"') < 0 && text.indexOf('\n') < 0
                && text.indexOf('\r') < 0) {
            return text;
        }
        return '"' + text.replace("\"", "\"\"") + '"';
    }
}
