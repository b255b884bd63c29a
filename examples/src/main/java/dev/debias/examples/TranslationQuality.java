package dev.debias.examples;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import com.google.gson.JsonObject;

import dev.debias.data.ColoredMnist;
import dev.debias.data.DatasetPaths;
import dev.debias.data.GroupSpec;
import dev.debias.data.GroupedArrayDataset;
import dev.debias.data.Mnist;
import dev.debias.data.MnistSplits;
import dev.debias.data.SyntheticDigits;
import dev.debias.model.Backbones;
import dev.debias.train.ErmConfig;
import dev.debias.train.ErmTrainer;
import dev.debias.train.ModelSelection;
import dev.debias.train.OptimizerConfig;
import dev.debias.train.TrainingConfig;

import java.io.IOException;
import java.util.Arrays;

/**
 * Measures CycleGAN translations of Colored MNIST digits between two colours of one class (the
 * targets of the CAMEL issue): the share of translations whose foreground colour is nearest the
 * target colour among the ten, and the share that a classifier of grey MNIST digits still reads as
 * the source digit; and two checks that the translator did not collapse to a few outputs (the two
 * shares alone cannot see a generator that draws one good digit for every input): the share of
 * translations that are nearer their own source than any other source, and the cycle error.
 *
 * <p>Foreground colour: the mean RGB of the pixels whose channel sum is at least 80 % of the
 * image's brightest pixel (on MNIST strokes the grey value saturates, so these pixels carry the
 * colour itself). Grey digit: the largest channel of every pixel, divided by the image's largest
 * value. The classifier is CAMEL's MNIST CNN ({@code cnn-camel}) trained with ERM (Adam 1e-3,
 * 1,000 steps of 128) on the grey MNIST training images. Identity: on the grey forms of up to the
 * first 1,000 sources and their translations, the share of translations whose nearest source (in
 * Euclidean distance) is their own; chance is one over the count, a collapsed generator scores
 * near chance. Cycle error: the mean absolute difference of a source and its cycle reconstruction,
 * on a 0 to 1 scale.
 */
final class TranslationQuality {

    private static final double FOREGROUND = 0.8;
    private static final int PLANE = 28 * 28;
    private static final int IDENTITY_SAMPLES = 1_000;

    private TranslationQuality() {}

    /**
     * Measures translations of one class toward a colour.
     *
     * @param sources uint8 CHW source images of 3 x 28 x 28, one after another
     * @param translated their translations, in the same layout
     * @param reconstructed their cycle reconstructions, in the same layout
     * @param digits the source digit of every translation
     * @param targetColor the target colour
     * @param seed the classifier's seed
     * @return {@code targetColorShare}, {@code sourceDigitShare}, {@code identityShare} (with its
     *     {@code identityChance}), {@code cycleError} and the classifier's own accuracy on grey MNIST
     *     test digits
     * @throws IOException if MNIST cannot be read
     */
    static JsonObject coloredMnist(
            byte[] sources, byte[] translated, byte[] reconstructed, int[] digits, int targetColor, long seed)
            throws IOException {
        int n = digits.length;
        int colorHits = 0;
        float[] grey = grey(translated, n);
        for (int i = 0; i < n; i++) {
            float[] rgb = new float[3];
            int base = i * 3 * PLANE;
            int[] sums = new int[PLANE];
            int brightest = 0;
            for (int p = 0; p < PLANE; p++) {
                for (int c = 0; c < 3; c++) {
                    sums[p] += translated[base + c * PLANE + p] & 0xff;
                }
                brightest = Math.max(brightest, sums[p]);
            }
            int count = 0;
            for (int p = 0; p < PLANE; p++) {
                if (brightest > 0 && sums[p] >= FOREGROUND * brightest) {
                    for (int c = 0; c < 3; c++) {
                        rgb[c] += (translated[base + c * PLANE + p] & 0xff) / 255f;
                    }
                    count++;
                }
            }
            if (count > 0) {
                for (int c = 0; c < 3; c++) {
                    rgb[c] /= count;
                }
                colorHits += ColoredMnist.nearestColor(rgb) == targetColor ? 1 : 0;
            }
        }
        JsonObject json = new JsonObject();
        json.addProperty("images", n);
        json.addProperty("targetColorShare", n == 0 ? Double.NaN : (double) colorHits / n);
        Classified digitsRead = readDigits(grey, digits, seed);
        json.addProperty("sourceDigitShare", digitsRead.share);
        json.addProperty("classifierTestAccuracy", digitsRead.classifierAccuracy);
        int compared = Math.min(n, IDENTITY_SAMPLES);
        json.addProperty("identityShare", identityShare(grey(sources, compared), Arrays.copyOf(grey, compared * PLANE), compared));
        json.addProperty("identityChance", compared == 0 ? Double.NaN : 1.0 / compared);
        json.addProperty("cycleError", cycleError(sources, reconstructed, n));
        json.addProperty("colorRule", "mean RGB of the pixels with at least 80% of the brightest pixel's channel sum, nearest of the ten LfF colours");
        json.addProperty("digitRule", "cnn-camel trained with ERM on grey MNIST (1,000 steps of 128), on the largest channel of each pixel, normalised per image");
        json.addProperty("identityRule", "on the grey forms of the first " + compared + " images: the share of translations whose nearest source is their own");
        return json;
    }

    /**
     * The grey form of each image: the largest channel of every pixel, divided by the image's largest
     * value (an all-black image stays black).
     */
    static float[] grey(byte[] rgbImages, int n) {
        float[] grey = new float[n * PLANE];
        for (int i = 0; i < n; i++) {
            int base = i * 3 * PLANE;
            float max = 0;
            for (int p = 0; p < PLANE; p++) {
                float top = 0;
                for (int c = 0; c < 3; c++) {
                    top = Math.max(top, rgbImages[base + c * PLANE + p] & 0xff);
                }
                grey[i * PLANE + p] = top;
                max = Math.max(max, top);
            }
            for (int p = 0; p < PLANE; p++) {
                grey[i * PLANE + p] = max > 0 ? grey[i * PLANE + p] / max : 0;
            }
        }
        return grey;
    }

    /**
     * The share of translations whose nearest source, in Euclidean distance over the flattened
     * images, is their own source; a tie with another source counts as a miss.
     *
     * @param sources n flattened source images of equal length
     * @param translations n flattened translations, translation i of source i
     * @param n the number of images
     * @return the share in [0, 1], or NaN when n is 0
     */
    static double identityShare(float[] sources, float[] translations, int n) {
        if (n == 0) {
            return Double.NaN;
        }
        long per = sources.length / n;
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray s = manager.create(sources, new Shape(n, per));
            NDArray t = manager.create(translations, new Shape(n, per));
            // squared distances |t_i|^2 + |s_j|^2 - 2 t_i . s_j; |t_i|^2 is the same along a row
            NDArray distance = s.square().sum(new int[] {1}).reshape(1, n).sub(t.dot(s.transpose()).mul(2));
            NDArray self = manager.eye(n).toType(DataType.BOOLEAN, false);
            NDArray own = NDArrays.where(self, distance, manager.zeros(distance.getShape())).sum(new int[] {1});
            NDArray others = NDArrays.where(self, manager.full(distance.getShape(), Float.POSITIVE_INFINITY), distance)
                    .min(new int[] {1});
            return own.lt(others).sum().getLong() / (double) n;
        }
    }

    /** The mean absolute difference of the sources and their reconstructions, on a 0 to 1 scale. */
    static double cycleError(byte[] sources, byte[] reconstructed, int n) {
        if (n == 0) {
            return Double.NaN;
        }
        long total = 0;
        int length = n * 3 * PLANE;
        for (int p = 0; p < length; p++) {
            total += Math.abs((sources[p] & 0xff) - (reconstructed[p] & 0xff));
        }
        return total / 255.0 / length;
    }

    private record Classified(double share, double classifierAccuracy) {}

    private static Classified readDigits(float[] grey, int[] digits, long seed) throws IOException {
        MnistSplits mnist = DatasetPaths.hasMnist() ? Mnist.load() : SyntheticDigits.generate(60_000, 10_000, seed);
        GroupSpec spec = GroupSpec.classOnly(10);
        try (GroupedArrayDataset train = GroupedArrayDataset.builder()
                        .setImages(mnist.trainImages().pixels(), new Shape(1, 28, 28))
                        .setLabels(mnist.trainLabels())
                        .optGroupSpec(spec)
                        .build();
                GroupedArrayDataset test = GroupedArrayDataset.builder()
                        .setImages(mnist.testImages().pixels(), new Shape(1, 28, 28))
                        .setLabels(mnist.testLabels())
                        .optGroupSpec(spec)
                        .build();
                ErmTrainer trainer = new ErmTrainer(
                        ErmConfig.builder()
                                .setTraining(TrainingConfig.builder()
                                        .setIterations(1_000)
                                        .optBatchSize(128)
                                        .optOptimizer(OptimizerConfig.adam(1e-3f).build())
                                        .optEvaluateEvery(500)
                                        .optModelSelection(ModelSelection.LAST)
                                        .optProgressBar(false)
                                        .optSeed(seed)
                                        .build())
                                .build(),
                        () -> Backbones.create("cnn-camel", 10, new Shape(1, 28, 28)),
                        new Shape(1, 1, 28, 28))) {
            trainer.fit(train, test);
            double accuracy = trainer.evaluate(test).averageAccuracy();
            int hits = 0;
            try (NDManager manager = NDManager.newBaseManager()) {
                int chunk = 512;
                for (int from = 0; from < digits.length; from += chunk) {
                    int k = Math.min(chunk, digits.length - from);
                    try (NDManager scope = manager.newSubManager()) {
                        NDArray x = scope.create(Arrays.copyOfRange(grey, from * 784, (from + k) * 784), new Shape(k, 1, 28, 28));
                        long[] predicted = trainer.reportedModel().inference().apply(new NDList(x)).head().argMax(1).toLongArray();
                        for (int j = 0; j < k; j++) {
                            hits += predicted[j] == digits[from + j] ? 1 : 0;
                        }
                    }
                }
            }
            return new Classified(digits.length == 0 ? Double.NaN : (double) hits / digits.length, accuracy);
        }
    }
}
