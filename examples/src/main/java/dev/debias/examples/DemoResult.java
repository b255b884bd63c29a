package dev.debias.examples;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import dev.debias.train.HistoryFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What the demo's table and chart show of one method's run, read back from the files the run
 * wrote ({@code metrics.json} and {@code checkpoints/history.csv}), so that a run in this process
 * and a run in a child process are reported the same way.
 *
 * @param method the method
 * @param average test accuracy over all images
 * @param unbiased mean of the group accuracies
 * @param aligned accuracy on the bias-aligned groups
 * @param conflicting accuracy on the bias-conflicting groups
 * @param worst the worst group's accuracy
 * @param groups every non-empty test group
 * @param steps the steps of the reported phase's validations
 * @param validationUnbiased the unbiased validation accuracy at those steps
 */
record DemoResult(
        String method,
        double average,
        double unbiased,
        double aligned,
        double conflicting,
        double worst,
        List<Group> groups,
        double[] steps,
        double[] validationUnbiased) {

    /**
     * One test group.
     *
     * @param name the group's name
     * @param count its images
     * @param accuracy the share classified correctly
     */
    record Group(String name, long count, double accuracy) {}

    /**
     * Reads a finished run.
     *
     * @param method the method
     * @param runDir the run's output folder
     * @return the result
     * @throws IOException if a file is missing or malformed (naming it)
     */
    static DemoResult read(String method, Path runDir) throws IOException {
        Path metricsFile = runDir.resolve("metrics.json");
        JsonObject test;
        try {
            test = JsonParser.parseString(Files.readString(metricsFile)).getAsJsonObject().getAsJsonObject("test");
        } catch (JsonParseException | IllegalStateException | ClassCastException e) {
            throw new IOException(metricsFile + " is not a run's metrics: " + e.getMessage(), e);
        }
        if (test == null) {
            throw new IOException(metricsFile + " has no test metrics");
        }
        List<Group> groups = new ArrayList<>();
        JsonArray rows = test.getAsJsonArray("groups");
        for (JsonElement row : rows == null ? new JsonArray() : rows) {
            JsonObject g = row.getAsJsonObject();
            long count = g.get("count").getAsLong();
            if (count > 0) {
                groups.add(new Group(g.get("name").getAsString(), count, g.get("correct").getAsDouble() / count));
            }
        }
        double[][] curve = curve(runDir.resolve(TrainCommand.CHECKPOINTS).resolve(HistoryFiles.CSV));
        return new DemoResult(
                method,
                number(test, "averageAccuracy"),
                number(test, "unbiasedAccuracy"),
                number(test, "alignedAccuracy"),
                number(test, "conflictingAccuracy"),
                number(test, "worstGroupAccuracy"),
                List.copyOf(groups),
                curve[0],
                curve[1]);
    }

    private static double number(JsonObject json, String key) {
        JsonElement e = json.get(key);
        return e == null || e.isJsonNull() ? Double.NaN : e.getAsDouble();
    }

    /** The last phase's (step, unbiased validation accuracy) rows of a history file. */
    private static double[][] curve(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        if (lines.isEmpty()) {
            throw new IOException(csv + " is empty");
        }
        List<String> header = Arrays.asList(lines.get(0).split(","));
        int phase = header.indexOf("phase");
        int step = header.indexOf("step");
        int unbiased = header.indexOf("unbiasedAccuracy");
        if (phase < 0 || step < 0 || unbiased < 0) {
            throw new IOException(csv + " lacks a phase, step or unbiasedAccuracy column");
        }
        int columns = Math.max(phase, Math.max(step, unbiased)) + 1;
        List<String[]> rows = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String[] cells = lines.get(i).split(",", -1);
            if (cells.length < columns) {
                throw new IOException(csv + " line " + (i + 1) + " has " + cells.length + " cells, fewer than its header");
            }
            rows.add(cells);
        }
        String last = rows.isEmpty() ? "" : rows.get(rows.size() - 1)[phase];
        List<double[]> points = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            String[] cells = rows.get(i);
            if (cells[phase].equals(last)) {
                try {
                    points.add(new double[] {Double.parseDouble(cells[step]), Double.parseDouble(cells[unbiased])});
                } catch (NumberFormatException e) {
                    throw new IOException(csv + " line " + (i + 2) + ": " + e.getMessage(), e);
                }
            }
        }
        double[][] out = new double[2][points.size()];
        for (int i = 0; i < points.size(); i++) {
            out[0][i] = points.get(i)[0];
            out[1][i] = points.get(i)[1];
        }
        return out;
    }
}
