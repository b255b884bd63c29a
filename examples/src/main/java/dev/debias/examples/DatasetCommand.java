package dev.debias.examples;

import dev.debias.data.GroupSpec;
import dev.debias.data.GroupedSplits;
import dev.debias.data.ImageFolderLayout;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code debias dataset --name cmnist}: builds Colored MNIST (LfF protocol) from the real MNIST
 * files, prints the per-group training counts with the aligned and conflicting totals, and with
 * {@code --out} writes the align/conflict/valid/test folder layout that the Python originals
 * read. By default all 60,000 MNIST training images are coloured for training (the LfF protocol)
 * and there is no {@code valid/} folder; {@code --valid-fraction F} holds out that fraction of the
 * training digits, before colouring, as an unbiased validation split.
 */
@Command(
        name = "dataset",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Builds Colored MNIST from MNIST, prints the group counts, optionally writes the folder layout.")
public final class DatasetCommand implements Callable<Integer> {

    @Option(names = "--name", required = true, paramLabel = "cmnist", description = "the dataset (cmnist)")
    private String dataset;

    @Option(names = "--conflict-pct", required = true, paramLabel = "P", description = "percentage of bias-conflicting training images, in (0, 100)")
    private double pct;

    @Option(names = "--severity", paramLabel = "S", description = "colour noise severity 1-4 (default: ${DEFAULT-VALUE})")
    private int severity = 4;

    @Option(names = "--seed", paramLabel = "N", description = "seed (default: ${DEFAULT-VALUE})")
    private long seed;

    @Option(names = "--valid-fraction", paramLabel = "F", description = "share of the training digits held out, unbiased, as valid/ (default: ${DEFAULT-VALUE})")
    private double validationFraction;

    @Option(names = "--out", paramLabel = "DIR", description = "write the align/conflict/valid/test folder layout here")
    private String out;

    /** {@inheritDoc} */
    @Override
    public Integer call() throws Exception {
        if (!ExperimentData.COLORED_MNIST.equals(dataset)) {
            throw new CliException("--name must be cmnist, got '" + dataset + "'");
        }
        if (!(pct > 0 && pct < 100)) {
            throw new CliException("--conflict-pct must be in (0, 100), got " + pct);
        }
        if (!(validationFraction >= 0 && validationFraction < 1)) {
            throw new CliException("--valid-fraction must be in [0, 1), got " + validationFraction);
        }
        long start = System.nanoTime();
        ExperimentData.Loaded data = ExperimentData.load(dataset, pct, severity, seed, validationFraction, false);
        double buildSeconds = (System.nanoTime() - start) / 1e9;
        try (GroupedSplits splits = data.splits()) {
            System.out.println(data.description());
            System.out.print(countsTable(splits));
            System.out.printf(Locale.ROOT, "built in %.2f s%n", buildSeconds);
            if (out != null) {
                Path dir = Paths.get(out);
                long writeStart = System.nanoTime();
                ImageFolderLayout.write(dir, splits);
                System.out.printf(
                        Locale.ROOT,
                        "wrote %s in %.1f s%n",
                        dir.toAbsolutePath(),
                        (System.nanoTime() - writeStart) / 1e9);
            }
        }
        return 0;
    }

    static String countsTable(GroupedSplits splits) {
        GroupSpec spec = splits.groupSpec();
        long[] counts = splits.trainGroupCounts();
        StringBuilder sb = new StringBuilder();
        int k = spec.numClasses();
        int attributes = spec.numAttributes();
        sb.append(String.format(Locale.ROOT, "%-8s", "y \\ a"));
        for (int a = 0; a < attributes; a++) {
            sb.append(String.format(Locale.ROOT, "%7s", spec.attributeNames().get(a)));
        }
        sb.append(String.format(Locale.ROOT, "%9s%n", "total"));
        long aligned = 0;
        long conflicting = 0;
        for (int y = 0; y < k; y++) {
            sb.append(String.format(Locale.ROOT, "%-8s", spec.classNames().get(y)));
            long row = 0;
            for (int a = 0; a < attributes; a++) {
                int g = spec.groupOf(y, a);
                long n = counts[g];
                row += n;
                if (spec.isAligned(g)) {
                    aligned += n;
                } else if (spec.isConflicting(g)) {
                    conflicting += n;
                }
                sb.append(String.format(Locale.ROOT, "%7d", n));
            }
            sb.append(String.format(Locale.ROOT, "%9d%n", row));
        }
        long total = aligned + conflicting;
        sb.append(
                String.format(
                        Locale.ROOT,
                        "training images: %d (aligned %d, conflicting %d = %.3f%%)%n",
                        total,
                        aligned,
                        conflicting,
                        total == 0 ? 0.0 : 100.0 * conflicting / total));
        return sb.toString();
    }
}
