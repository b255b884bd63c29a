package dev.debias.examples;

import dev.debias.data.GroupSpec;
import dev.debias.io.AtomicFiles;
import dev.debias.metrics.GroupMetrics;
import dev.debias.train.EvaluationRecord;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * The per-group validation curves of a run as a PNG (XChart): one thin line per group over the
 * validation steps of the reported phase, bias-aligned groups blue and bias-conflicting ones red,
 * the group that is worst at the end in black, and the unbiased (group-mean) accuracy as a thick
 * line.
 */
final class RunCharts {

    private static final Color ALIGNED = new Color(70, 130, 180, 90);
    private static final Color CONFLICTING = new Color(205, 60, 60, 90);

    private RunCharts() {}

    /**
     * Writes the chart.
     *
     * @param file the PNG to write
     * @param method the method's name, for the title
     * @param history the run's validations; the last phase's are drawn
     * @throws IOException if writing fails
     */
    static void writeValidationCurves(Path file, String method, List<EvaluationRecord> history) throws IOException {
        if (history.isEmpty()) {
            return;
        }
        String phase = history.get(history.size() - 1).phase();
        List<EvaluationRecord> records = history.stream().filter(r -> r.phase().equals(phase)).toList();
        GroupMetrics last = records.get(records.size() - 1).validation();
        GroupSpec spec = last.groupSpec();
        XYChart chart =
                new XYChartBuilder()
                        .width(800)
                        .height(500)
                        .title(method + ": validation accuracy per group (" + phase + ")")
                        .xAxisTitle("step")
                        .yAxisTitle("accuracy (%)")
                        .build();
        chart.getStyler().setYAxisMin(0.0).setYAxisMax(100.0).setMarkerSize(0).setLegendVisible(true);
        List<Double> steps = new ArrayList<>();
        for (EvaluationRecord r : records) {
            steps.add((double) r.step());
        }
        boolean alignedShown = false;
        boolean conflictingShown = false;
        for (int g = 0; g < spec.numGroups(); g++) {
            if (last.groupCount(g) == 0 || g == last.worstGroup()) {
                continue;
            }
            boolean conflicting = spec.isConflicting(g);
            String name = conflicting && !conflictingShown ? "conflicting groups"
                    : !conflicting && !alignedShown ? "aligned groups" : "group " + g;
            XYSeries s = chart.addSeries(name, steps, accuracies(records, g));
            s.setLineColor(conflicting ? CONFLICTING : ALIGNED);
            s.setMarker(SeriesMarkers.NONE);
            s.setLineStyle(new BasicStroke(1f));
            s.setShowInLegend(name.endsWith("groups"));
            alignedShown |= !conflicting;
            conflictingShown |= conflicting;
        }
        if (last.worstGroup() >= 0) {
            int worst = last.worstGroup();
            XYSeries s = chart.addSeries("worst group: " + spec.groupName(worst), steps, accuracies(records, worst));
            s.setLineColor(Color.BLACK);
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setLineStyle(new BasicStroke(2f));
        }
        List<Double> unbiased = new ArrayList<>();
        for (EvaluationRecord r : records) {
            unbiased.add(100 * r.validation().unbiasedAccuracy());
        }
        XYSeries mean = chart.addSeries("unbiased (group mean)", steps, unbiased);
        mean.setLineColor(new Color(20, 110, 40));
        mean.setMarker(SeriesMarkers.NONE);
        mean.setLineStyle(new BasicStroke(3f));
        AtomicFiles.write(file, out -> ImageIO.write(BitmapEncoder.getBufferedImage(chart), "png", out));
    }

    private static List<Double> accuracies(List<EvaluationRecord> records, int group) {
        List<Double> values = new ArrayList<>();
        for (EvaluationRecord r : records) {
            double a = r.validation().groupAccuracy(group);
            values.add(Double.isNaN(a) ? 0.0 : 100 * a);
        }
        return values;
    }
}
