package dev.debias.examples;

import dev.debias.io.AtomicFiles;

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
 * (1 % bias-conflicting by default, 3,500 steps; DCWP's four phases with a seventieth of the steps each), prints the per-method comparison and each method's per-group
 * test table, and writes every run's {@code metrics.json} and a PNG chart (aligned, conflicting
 * and worst-group test accuracy per method; validation curves) into the output folder. With
 * {@code --jobs} above 1 the methods train in child processes, several at a time ({@link
 * DemoLanes}); the table and chart are read back from the runs' files either way ({@link
 * DemoResult}).
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

    @Option(names = "--jobs", paramLabel = "N",
            description = "methods trained at once, each in its own process at one intra-op thread; 1 trains them one after"
                    + " the other in this process (default: ${DEFAULT-VALUE}, two on two or more cores)")
    private int jobs = DemoLanes.defaultJobs();

    @Option(names = "--only", paramLabel = "METHOD", hidden = true, description = "train only this method (the demo's child processes)")
    private String only;

    /**
     * The longest runs first, so that two lanes end close together (measured on two cores at one
     * thread each: DCWP about 185 s, DisEnt 110 s, LfF 105 s, Group DRO 70 s, ERM 55 s).
     */
    private static final List<String> LONGEST_FIRST = List.of("dcwp", "disent", "lff", "gdro", "erm");

    /** {@inheritDoc} */
    @Override
    public Integer call() throws Exception {
        if (jobs < 1) {
            throw new CliException("--jobs must be at least 1, got " + jobs);
        }
        List<String> methods = new ArrayList<>();
        for (MethodEntry entry : MethodRegistry.entries()) {
            if (entry.inDemo()) {
                methods.add(entry.name());
            }
        }
        if (only != null && !methods.contains(only)) {
            throw new CliException("--only: '" + only + "' is not one of the demo's methods " + methods);
        }
        boolean evaluateEveryGiven = run.evaluateEvery != null;
        List<String> childArgs = childArgs();
        if (!evaluateEveryGiven && run.epochs == null) {
            // Twenty validations per run, so that short runs draw curves too.
            run.evaluateEvery = Math.max(1, (run.iterations != null ? run.iterations : 3_500L) / 20);
        }
        TrainCommand.RunSettings settings = run.settings(3_500L, true, Map.of());
        if (only != null) {
            train(MethodRegistry.get(only), settings, evaluateEveryGiven);
            return 0;
        }
        if (jobs > 1) {
            List<String> order = new ArrayList<>(methods);
            order.sort(java.util.Comparator.comparingInt(m -> LONGEST_FIRST.contains(m) ? LONGEST_FIRST.indexOf(m) : -1));
            DemoLanes.run(order, childArgs, out, Math.min(jobs, methods.size()));
        } else {
            for (String method : methods) {
                System.out.println();
                System.out.println("=== " + method + " ===");
                train(MethodRegistry.get(method), settings, evaluateEveryGiven);
            }
        }
        List<DemoResult> results = new ArrayList<>();
        for (String method : methods) {
            results.add(DemoResult.read(method, out.resolve(method)));
        }
        System.out.println();
        System.out.println(comparison(results));
        System.out.println(worstGroups(results));
        Path chart = out.resolve("demo.png");
        writeChart(chart, results);
        System.out.println("metrics: " + out.resolve("<method>/metrics.json") + ", chart: " + chart);
        return 0;
    }

    /** Trains one method with the demo's settings for it, replacing its earlier run. */
    private void train(MethodEntry entry, TrainCommand.RunSettings settings, boolean evaluateEveryGiven) throws Exception {
        String method = entry.name();
        dev.debias.io.AtomicFiles.deleteRecursively(out.resolve(method).resolve(TrainCommand.CHECKPOINTS));
        TrainCommand.RunSettings forMethod = settings;
        if (settings.iterations() != null) {
            long steps = entry.demoIterations(settings.iterations());
            if (steps != settings.iterations()) {
                // Two validations per phase: a step of these methods costs tens of MLP steps, and so does a validation.
                forMethod = forMethod.withIterations(
                        steps, evaluateEveryGiven ? Math.min(settings.evaluateEvery(), steps) : Math.max(1, steps / 2));
            }
            forMethod = forMethod.withOptions(entry.demoOptions(steps));
        }
        TrainCommand.train(method, forMethod, out.resolve(method), !run.quiet, TrainCommand.commandLine(spec));
    }

    /** The options this demo was given, for its child processes (without --jobs and --only). */
    private List<String> childArgs() {
        List<String> args = new ArrayList<>();
        for (picocli.CommandLine.Model.OptionSpec option : spec.commandLine().getParseResult().matchedOptions()) {
            String name = option.longestName();
            if (name.equals("--jobs") || name.equals("--only")) {
                continue;
            }
            if (option.arity().max == 0) {
                args.add(name);
            } else {
                for (String value : option.originalStringValues()) {
                    args.add(name);
                    args.add(value);
                }
            }
        }
        if (spec.commandLine().getParseResult().matchedOption("--out") == null) {
            args.add("--out");
            args.add(out.toString());
        }
        return args;
    }

    static String comparison(List<DemoResult> results) {
        StringBuilder sb = new StringBuilder("test accuracy of the final models (%)\n");
        sb.append(String.format(Locale.ROOT, "%-8s %9s %9s %9s %12s %12s%n", "method", "average", "unbiased", "aligned", "conflicting", "worst-group"));
        for (DemoResult r : results) {
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "%-8s %9.1f %9.1f %9.1f %12.1f %12.1f%n",
                            r.method(),
                            100 * r.average(),
                            100 * r.unbiased(),
                            100 * r.aligned(),
                            100 * r.conflicting(),
                            100 * r.worst()));
        }
        return sb.toString();
    }

    /** Each method's three worst test groups, with their accuracy and size. */
    static String worstGroups(List<DemoResult> results) {
        StringBuilder sb = new StringBuilder("worst test groups of the final models (full tables: <method>/"
                + TrainCommand.TEST_TABLE + ")\n");
        for (DemoResult r : results) {
            List<DemoResult.Group> groups = new ArrayList<>(r.groups());
            groups.sort(java.util.Comparator.comparingDouble(DemoResult.Group::accuracy));
            sb.append(String.format(Locale.ROOT, "%-8s", r.method()));
            for (DemoResult.Group g : groups.subList(0, Math.min(3, groups.size()))) {
                sb.append(String.format(Locale.ROOT, "  %s %.1f %% (n = %d)", g.name(), 100 * g.accuracy(), g.count()));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    static void writeChart(Path file, List<DemoResult> results) throws java.io.IOException {
        CategoryChart bars =
                new CategoryChartBuilder()
                        .width(640)
                        .height(420)
                        .title("Colored MNIST test accuracy")
                        .xAxisTitle("method")
                        .yAxisTitle("accuracy (%)")
                        .build();
        List<String> names = new ArrayList<>();
        List<Double> aligned = new ArrayList<>();
        List<Double> conflicting = new ArrayList<>();
        List<Double> worst = new ArrayList<>();
        for (DemoResult r : results) {
            names.add(r.method());
            aligned.add(100 * r.aligned());
            conflicting.add(100 * r.conflicting());
            worst.add(100 * r.worst());
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
        for (DemoResult r : results) {
            double[] percent = new double[r.validationUnbiased().length];
            for (int i = 0; i < percent.length; i++) {
                percent[i] = 100 * r.validationUnbiased()[i];
            }
            curves.addSeries(r.method(), r.steps(), percent);
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
