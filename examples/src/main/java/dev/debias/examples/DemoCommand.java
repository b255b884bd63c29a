package dev.debias.examples;

import dev.debias.io.AtomicFiles;
import dev.debias.metrics.GroupMetrics;
import dev.debias.train.EvaluationRecord;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import javax.imageio.ImageIO;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code debias demo}, the main job: trains ERM, Group DRO, LfF, DisEnt and DCWP on Colored MNIST
 * (1 % bias-conflicting by default; DCWP's four phases with a hundredth of the steps each), prints the per-method comparison and each method's per-group
 * test table, and writes every run's {@code metrics.json} and a PNG chart (aligned, conflicting
 * and worst-group test accuracy per method; validation curves) into the output folder.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "ERM vs Group DRO vs LfF vs DisEnt vs DCWP on Colored MNIST: table, metrics.json per method, demo.png.")
public final class DemoCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private RunOptions run;

    @Option(names = "--out", paramLabel = "DIR", description = "output folder, replaced run by run (default: ${DEFAULT-VALUE})")
    private Path out = Paths.get("runs/demo");

    /** {@inheritDoc} */
    @Override
    public Integer call() throws Exception {
        boolean evaluateEveryGiven = run.evaluateEvery != null;
        if (!evaluateEveryGiven && run.epochs == null) {
            // Twenty validations per run, so that short runs draw curves too.
            run.evaluateEvery = Math.max(1, (run.iterations != null ? run.iterations : 5_000L) / 20);
        }
        TrainCommand.RunSettings settings = run.settings(5_000L, true, Map.of());
        boolean console = !run.quiet;
        Map<String, TrainCommand.Outcome> outcomes = new LinkedHashMap<>();
        for (MethodEntry entry : MethodRegistry.entries()) {
            if (!entry.inDemo()) {
                continue;
            }
            String method = entry.name();
            System.out.println();
            System.out.println("=== " + method + " ===");
            // The demo replaces its own earlier runs.
            dev.debias.io.AtomicFiles.deleteRecursively(out.resolve(method).resolve(TrainCommand.CHECKPOINTS));
            TrainCommand.RunSettings forMethod = settings;
            if (settings.iterations() != null) {
                long steps = entry.demoIterations(settings.iterations());
                if (steps != settings.iterations()) {
                    forMethod = forMethod.withIterations(
                            steps, evaluateEveryGiven ? Math.min(settings.evaluateEvery(), steps) : Math.max(1, steps / 5));
                }
                forMethod = forMethod.withOptions(entry.demoOptions(steps));
            }
            outcomes.put(method, TrainCommand.train(method, forMethod, out.resolve(method), console, TrainCommand.commandLine(spec)));
        }
        System.out.println();
        System.out.println(comparison(outcomes));
        System.out.println(worstGroups(outcomes));
        Path chart = out.resolve("demo.png");
        writeChart(chart, outcomes);
        System.out.println("metrics: " + out.resolve("<method>/metrics.json") + ", chart: " + chart);
        return 0;
    }

    static String comparison(Map<String, TrainCommand.Outcome> outcomes) {
        StringBuilder sb = new StringBuilder("test accuracy of the final models (%)\n");
        sb.append(String.format(Locale.ROOT, "%-8s %9s %9s %9s %12s %12s%n", "method", "average", "unbiased", "aligned", "conflicting", "worst-group"));
        for (Map.Entry<String, TrainCommand.Outcome> e : outcomes.entrySet()) {
            GroupMetrics m = e.getValue().test();
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "%-8s %9.1f %9.1f %9.1f %12.1f %12.1f%n",
                            e.getKey(),
                            100 * m.averageAccuracy(),
                            100 * m.unbiasedAccuracy(),
                            100 * m.alignedAccuracy(),
                            100 * m.conflictingAccuracy(),
                            100 * m.worstGroupAccuracy()));
        }
        return sb.toString();
    }

    /** Each method's three worst test groups, with their accuracy and size. */
    static String worstGroups(Map<String, TrainCommand.Outcome> outcomes) {
        StringBuilder sb = new StringBuilder("worst test groups of the final models (full tables: <method>/"
                + TrainCommand.TEST_TABLE + ")\n");
        for (Map.Entry<String, TrainCommand.Outcome> e : outcomes.entrySet()) {
            GroupMetrics m = e.getValue().test();
            List<Integer> groups = new ArrayList<>();
            for (int g = 0; g < m.groupSpec().numGroups(); g++) {
                if (m.groupCount(g) > 0) {
                    groups.add(g);
                }
            }
            groups.sort((a, b) -> Double.compare(m.groupAccuracy(a), m.groupAccuracy(b)));
            sb.append(String.format(Locale.ROOT, "%-8s", e.getKey()));
            for (int g : groups.subList(0, Math.min(3, groups.size()))) {
                sb.append(String.format(Locale.ROOT, "  %s %.1f %% (n = %d)",
                        m.groupSpec().groupName(g), 100 * m.groupAccuracy(g), m.groupCount(g)));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    static void writeChart(Path file, Map<String, TrainCommand.Outcome> outcomes) throws java.io.IOException {
        CategoryChart bars =
                new CategoryChartBuilder()
                        .width(640)
                        .height(420)
                        .title("Colored MNIST test accuracy")
                        .xAxisTitle("method")
                        .yAxisTitle("accuracy (%)")
                        .build();
        List<String> names = new ArrayList<>(outcomes.keySet());
        List<Double> aligned = new ArrayList<>();
        List<Double> conflicting = new ArrayList<>();
        List<Double> worst = new ArrayList<>();
        for (TrainCommand.Outcome o : outcomes.values()) {
            aligned.add(100 * o.test().alignedAccuracy());
            conflicting.add(100 * o.test().conflictingAccuracy());
            worst.add(100 * o.test().worstGroupAccuracy());
        }
        bars.addSeries("aligned", names, aligned);
        bars.addSeries("conflicting", names, conflicting);
        bars.addSeries("worst group", names, worst);
        bars.getStyler().setYAxisMin(0.0).setYAxisMax(100.0);

        XYChart curves =
                new XYChartBuilder()
                        .width(640)
                        .height(420)
                        .title("Validation accuracy during training")
                        .xAxisTitle("step")
                        .yAxisTitle("unbiased accuracy (%)")
                        .build();
        for (Map.Entry<String, TrainCommand.Outcome> e : outcomes.entrySet()) {
            List<Double> steps = new ArrayList<>();
            List<Double> values = new ArrayList<>();
            for (EvaluationRecord r : e.getValue().result().history()) {
                steps.add((double) r.step());
                values.add(100 * r.validation().unbiasedAccuracy());
            }
            curves.addSeries(e.getKey(), steps, values);
        }
        curves.getStyler().setYAxisMin(0.0).setYAxisMax(100.0);

        BufferedImage left = BitmapEncoder.getBufferedImage(bars);
        BufferedImage right = BitmapEncoder.getBufferedImage(curves);
        BufferedImage both =
                new BufferedImage(left.getWidth() + right.getWidth(), Math.max(left.getHeight(), right.getHeight()), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = both.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, both.getWidth(), both.getHeight());
            g.drawImage(left, 0, 0, null);
            g.drawImage(right, left.getWidth(), 0, null);
        } finally {
            g.dispose();
        }
        AtomicFiles.write(file, stream -> ImageIO.write(both, "png", stream));
    }
}
