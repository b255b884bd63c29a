package dev.debias.examples;

import dev.debias.data.GroupSpec;
import dev.debias.data.GroupedSplits;
import dev.debias.data.ImageFolderLayout;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.Set;

/**
 * {@code debias dataset --name cmnist}: builds Colored MNIST (LfF protocol) from the real MNIST
 * files, prints the per-group training counts with the aligned and conflicting totals, and with
 * {@code --out} writes the align/conflict/valid/test folder layout that the Python originals
 * read. By default all 60,000 MNIST training images are coloured for training (the LfF protocol)
 * and there is no {@code valid/} folder; {@code --valid-fraction F} holds out that fraction of the
 * training digits, before colouring, as an unbiased validation split.
 */
public final class DatasetCommand implements Command {

    /** {@inheritDoc} */
    @Override
    public String name() {
        return "dataset";
    }

    /** {@inheritDoc} */
    @Override
    public String usage() {
        return "dataset --name cmnist --conflict-pct P [--severity S] [--seed N] [--valid-fraction F] [--out DIR]\n"
                + "        build Colored MNIST from MNIST, print group counts, optionally write the folder layout";
    }

    /** {@inheritDoc} */
    @Override
    public void run(String[] args) throws Exception {
        CliArguments a = new CliArguments(name(), args, Set.of());
        String dataset = a.get("name", null);
        if (!ExperimentData.COLORED_MNIST.equals(dataset)) {
            throw new CliException("--name must be cmnist" + (dataset == null ? "" : ", got '" + dataset + "'"));
        }
        if (!a.has("conflict-pct")) {
            throw new CliException("--conflict-pct is required (e.g. 0.5, 1, 2 or 5)");
        }
        double pct = a.getDouble("conflict-pct", 1);
        if (!(pct > 0 && pct < 100)) {
            throw new CliException("--conflict-pct must be in (0, 100), got " + pct);
        }
        int severity = (int) a.getLong("severity", 4);
        long seed = a.getLong("seed", 0);
        double validationFraction = a.getDouble("valid-fraction", 0.0);
        if (!(validationFraction >= 0 && validationFraction < 1)) {
            throw new CliException("--valid-fraction must be in [0, 1), got " + validationFraction);
        }
        String out = a.get("out", null);
        a.rejectUnknown();

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
