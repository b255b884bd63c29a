package dev.debias.examples;

import dev.debias.augment.SubgroupTranslator;
import dev.debias.data.ColoredMnist;
import dev.debias.data.DatasetPaths;
import dev.debias.data.GroupedArrayDataset;
import dev.debias.data.GroupedSplits;
import dev.debias.data.ImageFolderLayout;
import dev.debias.data.Mnist;
import dev.debias.data.MnistCorrelation;
import dev.debias.data.MnistSplits;
import dev.debias.data.SyntheticDigits;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.function.Supplier;

/**
 * Resolves the {@code --dataset} argument of the command line: {@code cmnist} builds Colored
 * MNIST (LfF protocol) from the real MNIST files, or from {@link SyntheticDigits} when they are
 * absent and the caller allows it; any other value is a directory in the align/conflict folder
 * layout.
 */
public final class ExperimentData {

    /** The name of Colored MNIST on the command line. */
    public static final String COLORED_MNIST = "cmnist";

    /** The name of CAMEL's MNIST-Correlation on the command line. */
    public static final String MNIST_CORRELATION = "mnist-correlation";

    private ExperimentData() {}

    /** Where the digits of Colored MNIST came from. */
    public enum Source {
        /** The real MNIST files. */
        MNIST,
        /** The built-in synthetic digits (MNIST files absent). */
        SYNTHETIC,
        /** MNIST-Correlation built from the real MNIST files (or synthetic digits). */
        MNIST_CORRELATION,
        /** A dataset directory in the folder layout. */
        FOLDER,
        /** A metadata CSV (Group DRO style), its split column giving train, validation and test. */
        CSV
    }

    /**
     * Loaded splits and their source.
     *
     * @param splits train, validation and test
     * @param source where the data came from
     * @param description a one-line description for the console and metrics files
     * @param translationDomains the images CAMEL's stage 1 trains its CycleGAN on when they are
     *     not the training set's (MNIST-Correlation), else null
     * @param oracleTranslator makes the exact translations between the subgroups when the dataset
     *     knows them (MNIST-Correlation, {@link MnistCorrelation#oracleTranslator}), else null
     */
    public record Loaded(
            GroupedSplits splits,
            Source source,
            String description,
            GroupedArrayDataset translationDomains,
            Supplier<SubgroupTranslator> oracleTranslator)
            implements AutoCloseable {

        Loaded(GroupedSplits splits, Source source, String description) {
            this(splits, source, description, null, null);
        }

        /** Closes the splits and the translation domains. */
        @Override
        public void close() {
            splits.close();
            if (translationDomains != null) {
                translationDomains.close();
            }
        }
    }

    /**
     * Returns the backbone a dataset's protocol trains when {@code --backbone} is not given: the
     * CAMEL CNN on MNIST-Correlation, else the method's own.
     *
     * @param dataset the {@code --dataset} value
     * @param methodDefault the method's default backbone
     * @return the backbone name
     */
    public static String defaultBackbone(String dataset, String methodDefault) {
        return MNIST_CORRELATION.equals(dataset) ? "cnn-camel" : methodDefault;
    }

    /**
     * Loads a dataset.
     *
     * @param dataset {@code cmnist} or a directory in the folder layout
     * @param conflictPercent the percentage of bias-conflicting training samples (cmnist)
     * @param severity the colour-noise severity 1..5 (cmnist)
     * @param seed the generation seed (cmnist)
     * @param validationFraction the fraction of MNIST training images held out for validation
     * @param allowSynthetic whether to fall back to synthetic digits without MNIST
     * @return the loaded splits
     * @throws IOException if files cannot be read
     */
    public static Loaded load(
            String dataset,
            double conflictPercent,
            int severity,
            long seed,
            double validationFraction,
            boolean allowSynthetic)
            throws IOException {
        if (MNIST_CORRELATION.equals(dataset)) {
            return mnistCorrelation(allowSynthetic);
        }
        if (!COLORED_MNIST.equals(dataset)) {
            Path root = Paths.get(dataset);
            if (Files.isRegularFile(root) && root.getFileName().toString().endsWith(".csv")) {
                GroupedSplits splits = dev.debias.data.MetadataCsvDataset.builder().setCsvFile(root).build().load();
                return new Loaded(splits, Source.CSV, "metadata CSV " + root.toAbsolutePath());
            }
            if (!Files.isDirectory(root)) {
                throw new CliException(
                        "unknown dataset '" + dataset + "': expected cmnist, mnist-correlation, a directory in the align/conflict layout"
                                + " or a metadata CSV (img_filename, y, place, split columns)");
            }
            GroupedSplits splits = ImageFolderLayout.load(root);
            return new Loaded(splits, Source.FOLDER, "folder layout " + root.toAbsolutePath());
        }
        ColoredMnist generator =
                ColoredMnist.builder()
                        .optConflictPercent(conflictPercent)
                        .optSeverity(severity)
                        .optSeed(seed)
                        .optValidationFraction(validationFraction)
                        .build();
        String what = String.format("Colored MNIST %.1f%% conflicting, severity %d, seed %d", conflictPercent, severity, seed);
        if (DatasetPaths.hasMnist()) {
            MnistSplits mnist = Mnist.load();
            return new Loaded(generator.generate(mnist), Source.MNIST, what + " (real MNIST from " + DatasetPaths.mnistDir() + ")");
        }
        if (!allowSynthetic) {
            throw new CliException(
                    "MNIST not found under "
                            + DatasetPaths.root()
                            + "; run scripts/fetch-datasets.sh (or set DEBIAS_DATA)");
        }
        MnistSplits synthetic = SyntheticDigits.generate(60_000, 10_000, seed);
        return new Loaded(
                generator.generate(synthetic),
                Source.SYNTHETIC,
                what + " (SYNTHETIC digits: MNIST not found under " + DatasetPaths.root()
                        + "; run scripts/fetch-datasets.sh for the real data)");
    }

    /**
     * MNIST-Correlation (CAMEL, §13.4) with zigzags of seed 0 for every run (a fixed dataset, as
     * MNIST-C's released files are; the run's seed varies the training), and its CycleGAN data.
     */
    private static Loaded mnistCorrelation(boolean allowSynthetic) throws IOException {
        MnistCorrelation generator = MnistCorrelation.builder().build();
        String what = "MNIST-Correlation (parity vs zigzag, groups 9,900 / 100 / 100 / 9,900)";
        MnistSplits mnist;
        String from;
        if (DatasetPaths.hasMnist()) {
            mnist = Mnist.load();
            from = " (real MNIST from " + DatasetPaths.mnistDir() + ")";
        } else if (allowSynthetic) {
            mnist = SyntheticDigits.generate(60_000, 10_000, 0);
            from = " (SYNTHETIC digits: MNIST not found under " + DatasetPaths.root() + ")";
        } else {
            throw new CliException(
                    "MNIST not found under " + DatasetPaths.root() + "; run scripts/fetch-datasets.sh (or set DEBIAS_DATA)");
        }
        MnistSplits images = mnist;
        return new Loaded(generator.generate(mnist), Source.MNIST_CORRELATION, what + from, generator.translationDomains(mnist),
                () -> generator.oracleTranslator(images));
    }
}
