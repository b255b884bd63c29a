package dev.debias.examples;

import ai.djl.Model;
import ai.djl.ndarray.types.Shape;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import dev.debias.data.GroupSpec;
import dev.debias.data.GroupedArrayDataset;
import dev.debias.data.GroupedSplits;
import dev.debias.io.AtomicFiles;
import dev.debias.io.CheckpointDirectories;
import dev.debias.metrics.GroupEvaluator;
import dev.debias.metrics.GroupMetrics;
import dev.debias.metrics.GroupMetricsReport;
import dev.debias.model.Backbones;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;

/**
 * {@code debias audit}: loads the selected model of a run with plain DJL ({@code Model.load} into
 * a block of the run's architecture) and reports its per-group accuracy on a split of a dataset
 * (the test split unless {@code --split} says otherwise):
 * the table on standard output, {@code audit.json}, {@code audit.csv} and a PNG of the accuracy per
 * group. The same evaluation works on any DJL model: {@code GroupEvaluator.evaluate(model,
 * dataset)} and {@code GroupMetricsReport}.
 */
@Command(
        name = "audit",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Reports the per-group accuracy of a run's selected model on a split of a dataset (default: test).")
public final class AuditCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "RUN_DIR", description = "a run's output folder (with metrics.json and checkpoints/)")
    private Path run;

    @Option(names = "--dataset", paramLabel = "cmnist|DIR", description = "the dataset audited (default: ${DEFAULT-VALUE})")
    private String dataset = ExperimentData.COLORED_MNIST;

    @Option(names = "--split", paramLabel = "train|valid|test", description = "the split audited (default: ${DEFAULT-VALUE}; a folder written by translate holds its translations as train)")
    private String split = "test";

    @Option(names = "--conflict-pct", paramLabel = "P", description = "Colored MNIST's conflicting percentage (default: the run's)")
    private Double conflictPercent;

    @Option(names = "--final", description = "audit the final model instead of the selected one")
    private boolean finalModel;

    @Option(names = "--allow-synthetic", description = "fall back to built-in synthetic digits without MNIST")
    private boolean allowSynthetic;

    @Option(names = "--out", paramLabel = "DIR", description = "where the report goes (default: RUN_DIR/audit)")
    private Path out;

    /** {@inheritDoc} */
    @Override
    public Integer call() throws Exception {
        Path metricsFile = run.resolve("metrics.json");
        if (!Files.isRegularFile(metricsFile)) {
            throw new CliException(run + " is not a finished run: it has no metrics.json");
        }
        JsonObject metrics = JsonParser.parseString(Files.readString(metricsFile)).getAsJsonObject();
        MethodEntry entry = MethodRegistry.get(metrics.get("method").getAsString());
        String backbone = metrics.get("backbone").getAsString();
        long seed = metrics.get("seed").getAsLong();
        Path phase = run.resolve(TrainCommand.CHECKPOINTS).resolve(entry.reportedPhase());
        Path checkpoint = phase.resolve(finalModel || !Files.isDirectory(phase.resolve("best")) ? "last" : "best");
        CheckpointDirectories.verify(checkpoint);
        double pct = conflictPercent != null ? conflictPercent : runConflictPercent(metrics);
        ExperimentData.Loaded data = ExperimentData.load(dataset, pct, 4, seed, 0.1, allowSynthetic);
        try (GroupedSplits splits = data.splits()) {
            GroupedArrayDataset test = switch (split) {
                case "train" -> splits.train();
                case "valid" -> splits.validation().orElseThrow(() -> new CliException("the dataset has no validation split"));
                case "test" -> splits.test().orElseThrow(() -> new CliException("the dataset has no test split"));
                default -> throw new CliException("--split expects train, valid or test, got '" + split + "'");
            };
            Shape sample = test.sampleShape();
            int classes = test.groupSpec().numClasses();
            GroupMetrics audited;
            try (Model model = Model.newInstance(entry.reportedModelName())) {
                model.setBlock(entry.reportedBlock(() -> Backbones.create(backbone, classes, sample)));
                model.load(checkpoint, entry.reportedModelName());
                audited =
                        GroupEvaluator.builder()
                                .optGroupSpec(splits.train().countedGroupSpec())
                                .build()
                                .evaluate(model, test);
            }
            Path target = out != null ? out : run.resolve("audit");
            GroupMetricsReport report = new GroupMetricsReport(audited);
            System.out.println("audit of " + checkpoint + " on " + data.description() + ", split " + split + ":");
            System.out.println(report.toTable());
            JsonObject json = report.toJsonObject();
            json.addProperty("checkpoint", checkpoint.toString());
            json.addProperty("dataset", data.description());
            json.addProperty("split", split);
            GroupMetricsReport.writeJson(target.resolve("audit.json"), json);
            report.writeCsv(target.resolve("audit.csv"));
            writeChart(target.resolve("audit.png"), audited);
            System.out.println("report written to " + target);
        }
        return 0;
    }

    private static double runConflictPercent(JsonObject metrics) {
        String description = metrics.get("dataset").getAsString();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9.]+)% conflicting").matcher(description);
        return m.find() ? Double.parseDouble(m.group(1)) : 1.0;
    }

    private static void writeChart(Path file, GroupMetrics m) throws java.io.IOException {
        CategoryChart chart =
                new CategoryChartBuilder()
                        .width(1000)
                        .height(420)
                        .title("test accuracy per group")
                        .xAxisTitle("group")
                        .yAxisTitle("accuracy (%)")
                        .build();
        List<Double> alignedValues = new ArrayList<>();
        List<Double> conflictingValues = new ArrayList<>();
        GroupSpec spec = m.groupSpec();
        List<String> names = new ArrayList<>();
        for (int g = 0; g < spec.numGroups(); g++) {
            if (m.groupCount(g) > 0) {
                names.add(spec.groupName(g));
            }
        }
        for (int g = 0; g < spec.numGroups(); g++) {
            if (m.groupCount(g) == 0) {
                continue;
            }
            boolean isAligned = spec.isAligned(g);
            alignedValues.add(isAligned ? 100 * m.groupAccuracy(g) : 0.0);
            conflictingValues.add(isAligned ? 0.0 : 100 * m.groupAccuracy(g));
        }
        chart.addSeries("aligned", names, alignedValues);
        chart.addSeries("conflicting", names, conflictingValues);
        chart.getStyler().setStacked(true);
        chart.getStyler().setXAxisLabelRotation(90);
        chart.getStyler().setYAxisMin(0.0).setYAxisMax(100.0);
        AtomicFiles.write(file, stream -> ImageIO.write(BitmapEncoder.getBufferedImage(chart), "png", stream));
    }
}
