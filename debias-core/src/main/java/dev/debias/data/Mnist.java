package dev.debias.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Loads MNIST or Fashion-MNIST from the four IDX files of their original distribution: {@code
 * train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte} and
 * {@code t10k-labels-idx1-ubyte}, each either plain or with a {@code .gz} suffix (compression is
 * detected from the content).
 */
public final class Mnist {

    /** The file name of the training images. */
    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";

    /** The file name of the training labels. */
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";

    /** The file name of the test images. */
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";

    /** The file name of the test labels. */
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";

    private static final String[] FILES = {TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS};

    private Mnist() {}

    /**
     * Loads MNIST from the data root ({@link DatasetPaths#mnistDir()}).
     *
     * @return the training and test splits
     * @throws IOException if a file is missing or malformed; the message names it
     */
    public static MnistSplits load() throws IOException {
        return load(DatasetPaths.mnistDir());
    }

    /**
     * Loads Fashion-MNIST from the data root ({@link DatasetPaths#fashionMnistDir()}).
     *
     * @return the training and test splits
     * @throws IOException if a file is missing or malformed; the message names it
     */
    public static MnistSplits loadFashion() throws IOException {
        return load(DatasetPaths.fashionMnistDir());
    }

    /**
     * Loads the four IDX files from a directory.
     *
     * @param dir the directory
     * @return the training and test splits
     * @throws IOException if a file is missing or malformed; the message names it
     */
    public static MnistSplits load(Path dir) throws IOException {
        DatasetPaths.existing(dir, "MNIST-style dataset");
        IdxImages trainImages = IdxFiles.readImages(find(dir, TRAIN_IMAGES));
        int[] trainLabels = IdxFiles.readLabels(find(dir, TRAIN_LABELS));
        IdxImages testImages = IdxFiles.readImages(find(dir, TEST_IMAGES));
        int[] testLabels = IdxFiles.readLabels(find(dir, TEST_LABELS));
        try {
            return new MnistSplits(trainImages, trainLabels, testImages, testLabels);
        } catch (IllegalArgumentException e) {
            throw new IOException(dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Returns whether all four files (plain or {@code .gz}) are present in a directory.
     *
     * @param dir the directory
     * @return true if the dataset can be loaded from it
     */
    public static boolean isPresent(Path dir) {
        for (String name : FILES) {
            if (!Files.isRegularFile(dir.resolve(name))
                    && !Files.isRegularFile(dir.resolve(name + ".gz"))) {
                return false;
            }
        }
        return true;
    }

    private static Path find(Path dir, String name) throws NoSuchFileException {
        Path plain = dir.resolve(name);
        if (Files.isRegularFile(plain)) {
            return plain;
        }
        Path gz = dir.resolve(name + ".gz");
        if (Files.isRegularFile(gz)) {
            return gz;
        }
        throw new NoSuchFileException(
                plain.toString(),
                null,
                "neither it nor " + gz.getFileName() + " exists; run scripts/fetch-datasets.sh");
    }
}
