package dev.debias.data;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Where Debias looks for datasets on disk.
 *
 * <p>The data root is, in this order of precedence: the system property {@value #PROPERTY}, the
 * environment variable {@value #ENV_VAR}, or {@code ~/.debias/datasets}. The script {@code
 * scripts/fetch-datasets.sh} fills it: {@code mnist/} holds the four MNIST IDX files and {@code
 * fashion-mnist/} the four Fashion-MNIST ones.
 */
public final class DatasetPaths {

    /** The environment variable naming the data root. */
    public static final String ENV_VAR = "DEBIAS_DATA";

    /** The system property naming the data root; it takes precedence over {@value #ENV_VAR}. */
    public static final String PROPERTY = "debias.data";

    /** The name of the MNIST folder under the data root. */
    public static final String MNIST = "mnist";

    /** The name of the Fashion-MNIST folder under the data root. */
    public static final String FASHION_MNIST = "fashion-mnist";

    private DatasetPaths() {}

    /**
     * Returns the data root (which need not exist).
     *
     * @return the data root
     */
    public static Path root() {
        return resolveRoot(
                System.getProperty(PROPERTY), System.getenv(ENV_VAR), System.getProperty("user.home"));
    }

    /**
     * Resolves the data root from its three possible sources.
     *
     * @param property the value of the system property, or null
     * @param env the value of the environment variable, or null
     * @param home the user's home directory
     * @return the data root
     */
    static Path resolveRoot(String property, String env, String home) {
        if (property != null && !property.isBlank()) {
            return Paths.get(property);
        }
        if (env != null && !env.isBlank()) {
            return Paths.get(env);
        }
        return Paths.get(home, ".debias", "datasets");
    }

    /**
     * Returns the MNIST folder, {@code <root>/mnist}.
     *
     * @return the existing folder
     * @throws NoSuchFileException if it does not exist; the message says how to fetch the data
     */
    public static Path mnistDir() throws NoSuchFileException {
        return existing(root().resolve(MNIST), "MNIST");
    }

    /**
     * Returns the Fashion-MNIST folder, {@code <root>/fashion-mnist}.
     *
     * @return the existing folder
     * @throws NoSuchFileException if it does not exist; the message says how to fetch the data
     */
    public static Path fashionMnistDir() throws NoSuchFileException {
        return existing(root().resolve(FASHION_MNIST), "Fashion-MNIST");
    }

    /**
     * Returns whether all four MNIST files are present under the data root.
     *
     * @return true if MNIST can be loaded
     */
    public static boolean hasMnist() {
        return Mnist.isPresent(root().resolve(MNIST));
    }

    /**
     * Returns whether all four Fashion-MNIST files are present under the data root.
     *
     * @return true if Fashion-MNIST can be loaded
     */
    public static boolean hasFashionMnist() {
        return Mnist.isPresent(root().resolve(FASHION_MNIST));
    }

    /**
     * Returns {@code dir} if it is a directory, otherwise throws an exception that tells the user
     * how to get the data.
     *
     * @param dir the directory
     * @param dataset the dataset's name, for the message
     * @return {@code dir}
     * @throws NoSuchFileException if {@code dir} is not a directory
     */
    static Path existing(Path dir, String dataset) throws NoSuchFileException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(
                    dir.toString(),
                    null,
                    dataset
                            + " not found; run scripts/fetch-datasets.sh, or point "
                            + ENV_VAR
                            + " (or -D"
                            + PROPERTY
                            + ") at the data root");
        }
        return dir;
    }
}
