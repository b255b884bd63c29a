package dev.debias.examples;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
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
 * the source digit.
 *
 * <p>Foreground colour: the mean RGB of the pixels whose channel sum is at least 80 % of the
 * image's brightest pixel (on MNIST strokes the grey value saturates, so these pixels carry the
 * colour itself). Grey digit: the largest channel of every pixel, divided by the image's largest
 * value. The classifier is CAMEL's MNIST CNN ({@code cnn-camel}) trained with ERM (Adam 1e-3,
 * 1,000 steps of 128) on the grey MNIST training images.
 */
final class TranslationQuality {

    private static final double FOREGROUND = 0.8;

    private TranslationQuality() {}

    /**
     * Measures translations of one class toward a colour.
     *
     * @param translated uint8 CHW images of 3 x 28 x 28, one after another
     * @param digits the source digit of every translation
     * @param targetColor the target colour
     * @param seed the classifier's seed
     * @return {@code targetColorShare}, {@code sourceDigitShare} and the classifier's own accuracy on
     *     grey MNIST test digits
     * @throws IOException if MNIST cannot be read
     */
    static JsonObject coloredMnist(byte[] translated, int[] digits, int targetColor, long seed) throws IOException {
        int n = digits.length;
        int plane = 28 * 28;
        int colorHits = 0;
        float[] grey = new float[n * plane];
        for (int i = 0; i < n; i++) {
            float[] rgb = new float[3];
            int base = i * 3 * plane;
            double brightest = 0;
            for (int p = 0; p < plane; p++) {
                double sum = 0;
                for (int c = 0; c < 3; c++) {
                    sum += translated[base + c * plane + p] & 0xff;
                }
                brightest = Math.max(brightest, sum);
            }
            int count = 0;
            float max = 0;
            for (int p = 0; p < plane; p++) {
                double sum = 0;
                float top = 0;
                for (int c = 0; c < 3; c++) {
                    int v = translated[base + c * plane + p] & 0xff;
                    sum += v;
                    top = Math.max(top, v);
                }
                grey[i * plane + p] = top;
                max = Math.max(max, top);
                if (brightest > 0 && sum >= FOREGROUND * brightest) {
                    for (int c = 0; c < 3; c++) {
                        rgb[c] += (translated[base + c * plane + p] & 0xff) / 255f;
                    }
                    count++;
                }
            }
            for (int p = 0; p < plane; p++) {
                grey[i * plane + p] = max > 0 ? grey[i * plane + p] / max : 0;
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
        json.addProperty("colorRule", "mean RGB of the pixels with at least 80% of the brightest pixel's channel sum, nearest of the ten LfF colours");
        json.addProperty("digitRule", "cnn-camel trained with ERM on grey MNIST (1,000 steps of 128), on the largest channel of each pixel, normalised per image");
        return json;
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
