package dev.debias.examples;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import com.google.gson.JsonObject;

import dev.debias.data.ColoredMnist;
import dev.debias.data.DatasetPaths;
import dev.debias.data.IdxImages;
import dev.debias.data.Mnist;
import dev.debias.data.MnistSplits;
import dev.debias.data.SyntheticDigits;
import dev.debias.data.ZigzagCorruption;
import dev.debias.ndarray.Scalars;

import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

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
 *
 * <p>On MNIST-Correlation ({@link #mnistCorrelation}) the same shares measure whether a translation
 * took the target subgroup (a reader of zigzags) and kept its class (a reader of digits, whose
 * parity is the class).
 */
final class TranslationQuality {

    private static final double FOREGROUND = 0.8;
    private static final int PLANE = 28 * 28;
    private static final int IDENTITY_SAMPLES = 1_000;
    private static final long READER_STREAMS = 0x7EAD_E125L;

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
        addCollapseChecks(json, grey(sources, compared), Arrays.copyOf(grey, compared * PLANE), compared, "the grey forms of ");
        json.addProperty("cycleError", cycleError(sources, reconstructed, n));
        json.addProperty("colorRule", "mean RGB of the pixels with at least 80% of the brightest pixel's channel sum, nearest of the ten LfF colours");
        json.addProperty("digitRule", "cnn-camel trained with ERM on grey MNIST (1,000 steps of 128), on the largest channel of each pixel, normalised per image");
        return json;
    }

    /**
     * Measures translations of MNIST-Correlation images toward a subgroup (clean or zigzag): the
     * share that a reader of zigzags takes for the target subgroup, the share whose digit a reader of
     * digits gives the source's parity, the identity share and the cycle error.
     *
     * <p>Both readers are trained on MNIST's training images and tested on its test images, each
     * image zigzagged or left clean by a fair coin of its own (the zigzag of {@link
     * ZigzagCorruption}, drawn from other streams than the dataset's), so neither can take the
     * attribute for the label: the zigzag reader learns clean (0) against zigzag (1), the digit
     * reader the ten digits.
     *
     * @param sources uint8 source images of 1 x 28 x 28, one after another
     * @param translated their translations, in the same layout
     * @param reconstructed their cycle reconstructions, in the same layout
     * @param parities the class of every source (0 even, 1 odd)
     * @param targetAttribute the target subgroup (0 clean, 1 zigzag)
     * @param seed the seed of the readers and of their coins and zigzags
     * @return {@code targetSubgroupShare}, {@code sourceParityShare}, {@code identityShare} (with its
     *     {@code identityChance}), {@code cycleError} and the readers' own test accuracies
     * @throws IOException if MNIST cannot be read
     */
    static JsonObject mnistCorrelation(
            byte[] sources, byte[] translated, byte[] reconstructed, int[] parities, int targetAttribute, long seed)
            throws IOException {
        int n = parities.length;
        float[] images = unit(translated, n);
        MnistSplits mnist = mnist(seed);
        SplittableRandom random = new SplittableRandom(seed ^ READER_STREAMS);
        JsonObject json = new JsonObject();
        json.addProperty("images", n);
        int[] trainCoins = coins(mnist.trainImages().count(), random);
        int[] testCoins = coins(mnist.testImages().count(), random);
        long corruption = random.nextLong();
        try (ImageReader zigzags = ImageReader.train(
                zigzagged(mnist.trainImages(), trainCoins, corruption), trainCoins,
                zigzagged(mnist.testImages(), testCoins, corruption), testCoins, 2, seed)) {
            long[] read = zigzags.read(images, n);
            int hits = 0;
            for (int i = 0; i < n; i++) {
                hits += read[i] == targetAttribute ? 1 : 0;
            }
            json.addProperty("targetSubgroupShare", n == 0 ? Double.NaN : (double) hits / n);
            json.addProperty("zigzagReaderTestAccuracy", zigzags.testAccuracy());
        }
        trainCoins = coins(mnist.trainImages().count(), random);
        testCoins = coins(mnist.testImages().count(), random);
        corruption = random.nextLong();
        try (ImageReader digits = ImageReader.train(
                zigzagged(mnist.trainImages(), trainCoins, corruption), mnist.trainLabels(),
                zigzagged(mnist.testImages(), testCoins, corruption), mnist.testLabels(), 10, seed)) {
            long[] read = digits.read(images, n);
            int hits = 0;
            for (int i = 0; i < n; i++) {
                hits += read[i] % 2 == parities[i] ? 1 : 0;
            }
            json.addProperty("sourceParityShare", n == 0 ? Double.NaN : (double) hits / n);
            json.addProperty("digitReaderTestAccuracy", digits.testAccuracy());
        }
        int compared = Math.min(n, IDENTITY_SAMPLES);
        addCollapseChecks(json, unit(sources, compared), Arrays.copyOf(images, compared * PLANE), compared, "");
        json.addProperty("cycleError", cycleError(sources, reconstructed, n));
        json.addProperty("subgroupRule", "cnn-camel trained with ERM (1,000 steps of 128) on MNIST training images, each zigzagged or not by a fair coin, read as clean or zigzag");
        json.addProperty("parityRule", "cnn-camel trained with ERM (1,000 steps of 128) on the ten digits of MNIST training images, each zigzagged or not by a fair coin; the digit read, mod 2, against the source's class");
        return json;
    }

    /** Adds the identity share of the first {@code compared} images (in the given forms), its chance and its rule. */
    private static void addCollapseChecks(JsonObject json, float[] sourceForms, float[] translatedForms, int compared, String forms) {
        json.addProperty("identityShare", identityShare(sourceForms, translatedForms, compared));
        json.addProperty("identityChance", compared == 0 ? Double.NaN : 1.0 / compared);
        json.addProperty("identityRule", "on " + forms + "the first " + compared + " images: the share of translations whose nearest source is their own");
    }

    /** One fair coin per image: 1 (zigzag) or 0 (clean). */
    private static int[] coins(int count, SplittableRandom random) {
        int[] coins = new int[count];
        for (int i = 0; i < count; i++) {
            coins[i] = random.nextInt(2);
        }
        return coins;
    }

    /** The images with the zigzag drawn on those whose coin is 1. */
    static IdxImages zigzagged(IdxImages images, int[] coins, long seed) {
        int[] picked = IntStream.range(0, coins.length).filter(i -> coins[i] == 1).toArray();
        byte[] corrupted = ZigzagCorruption.corrupt(images, picked, seed).pixels();
        byte[] pixels = images.pixels().clone();
        int per = images.pixelsPerImage();
        for (int k = 0; k < picked.length; k++) {
            System.arraycopy(corrupted, k * per, pixels, picked[k] * per, per);
        }
        return new IdxImages(images.count(), images.rows(), images.cols(), pixels);
    }

    /** The first {@code n} single-channel uint8 images on a 0 to 1 scale. */
    private static float[] unit(byte[] images, int n) {
        float[] out = new float[n * PLANE];
        for (int p = 0; p < out.length; p++) {
            out[p] = (images[p] & 0xff) / 255f;
        }
        return out;
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
            NDArray distance = s.square().sum(new int[] {1}).reshape(1, n).sub(Scalars.mul(t.dot(s.transpose()), 2));
            NDArray self = manager.eye(n).toType(DataType.BOOLEAN, false);
            NDArray own = NDArrays.where(self, distance, manager.zeros(distance.getShape())).sum(new int[] {1});
            NDArray others = NDArrays.where(self, manager.full(distance.getShape(), Float.POSITIVE_INFINITY), distance)
                    .min(new int[] {1});
            return own.lt(others).sum().getLong() / (double) n;
        }
    }

    /**
     * The mean absolute difference of the sources and their reconstructions, on a 0 to 1 scale, over
     * every value of the {@code n} images (of any channel count).
     */
    static double cycleError(byte[] sources, byte[] reconstructed, int n) {
        if (n == 0) {
            return Double.NaN;
        }
        long total = 0;
        int length = sources.length;
        for (int p = 0; p < length; p++) {
            total += Math.abs((sources[p] & 0xff) - (reconstructed[p] & 0xff));
        }
        return total / 255.0 / length;
    }

    private record Classified(double share, double classifierAccuracy) {}

    private static Classified readDigits(float[] grey, int[] digits, long seed) throws IOException {
        MnistSplits mnist = mnist(seed);
        try (ImageReader reader = ImageReader.train(
                mnist.trainImages(), mnist.trainLabels(), mnist.testImages(), mnist.testLabels(), 10, seed)) {
            long[] predicted = reader.read(grey, digits.length);
            int hits = 0;
            for (int i = 0; i < digits.length; i++) {
                hits += predicted[i] == digits[i] ? 1 : 0;
            }
            return new Classified(digits.length == 0 ? Double.NaN : (double) hits / digits.length, reader.testAccuracy());
        }
    }

    private static MnistSplits mnist(long seed) throws IOException {
        return DatasetPaths.hasMnist() ? Mnist.load() : SyntheticDigits.generate(60_000, 10_000, seed);
    }
}
