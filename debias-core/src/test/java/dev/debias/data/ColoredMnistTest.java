package dev.debias.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** Colored MNIST on a small synthetic "MNIST" made here, so it runs without data. */
class ColoredMnistTest {

    /** 4x4 grey images, labels cycling 0..9, pixel values random but never all zero. */
    static MnistSplits syntheticMnist(int trainCount, int testCount, long seed) {
        Random random = new Random(seed);
        return new MnistSplits(
                images(trainCount, random), cyclicLabels(trainCount), images(testCount, random),
                cyclicLabels(testCount));
    }

    private static IdxImages images(int count, Random random) {
        byte[] pixels = new byte[count * 16];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i % 16 == 5 ? 255 : random.nextInt(256));
        }
        return new IdxImages(count, 4, 4, pixels);
    }

    private static int[] cyclicLabels(int count) {
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = (i * 7) % 10;
        }
        return labels;
    }

    @Test
    void colorizeByHand() {
        byte[] gray = {(byte) 200, 0, (byte) 200, (byte) 255};
        // Image 0: colour 0 without noise. (int) (0.98368233f * 200) = 196 (196.74),
        // G: 0.31251901 * 200 = 62.50 -> 62 (truncation, not rounding), B: 33.72 -> 33.
        // Image 1: colour 0 with noise (1, -2, 0.5) * 0.05: R clamps to 1 -> 200 and 255,
        // G: 0.21251901 * 200 = 42.50 -> 42, * 255 = 54.19 -> 54; B: 0.19357535 * 200 = 38.7 -> 38,
        // * 255 = 49.36 -> 49.
        float[] noise = {0, 0, 0, 1, -2, 0.5f};
        byte[] rgb = ColoredMnist.colorize(gray, 2, new int[] {0, 0}, noise, 0.05f);
        int[] expected = {196, 0, 62, 0, 33, 0, 200, 255, 42, 54, 38, 49};
        int[] actual = new int[rgb.length];
        for (int i = 0; i < rgb.length; i++) {
            actual[i] = rgb[i] & 0xFF;
        }
        assertArrayEquals(expected, actual);
    }

    @Test
    void clampsAtZero() {
        // Colour 8 has B = 0.0187; noise -10 * 0.05 drives it below 0 -> 0.
        byte[] rgb =
                ColoredMnist.colorize(new byte[] {(byte) 255}, 1, new int[] {8}, new float[] {0, 0, -10}, 0.05f);
        assertEquals(0, rgb[2]);
        assertEquals((int) (0.2077f * 255f), rgb[0] & 0xFF);
    }

    @Test
    void noiseStdBySeverity() {
        assertEquals(0.05f, ColoredMnist.noiseStd(1));
        assertEquals(0.02f, ColoredMnist.noiseStd(2));
        assertEquals(0.01f, ColoredMnist.noiseStd(3));
        assertEquals(0.005f, ColoredMnist.noiseStd(4));
        assertEquals(0.002f, ColoredMnist.noiseStd(5));
        assertThrows(IllegalArgumentException.class, () -> ColoredMnist.noiseStd(0));
        assertThrows(IllegalArgumentException.class, () -> ColoredMnist.builder().optSeverity(6));
        assertThrows(IllegalArgumentException.class, () -> ColoredMnist.builder().optConflictPercent(0));
        assertThrows(IllegalArgumentException.class, () -> ColoredMnist.builder().optConflictPercent(100));
        assertThrows(
                IllegalArgumentException.class, () -> ColoredMnist.builder().optValidationFraction(1));
    }

    @Test
    void generatesGroupedSplits() {
        MnistSplits mnist = syntheticMnist(1000, 200, 1);
        ColoredMnist generator = ColoredMnist.builder().optConflictPercent(5).optSeverity(1).build();
        try (GroupedSplits splits = generator.generate(mnist)) {
            GroupedArrayDataset train = splits.train();
            assertEquals(1000, train.size());
            assertEquals(new Shape(3, 4, 4), train.sampleShape());
            assertArrayEquals(mnist.trainLabels(), train.labels());
            assertFalse(splits.validation().isPresent());

            GroupSpec spec = splits.groupSpec();
            assertEquals(10, spec.numClasses());
            assertEquals(10, spec.numAttributes());
            for (int c = 0; c < 10; c++) {
                assertEquals(c, spec.alignedAttribute(c));
                assertEquals(Integer.toString(c), spec.classNames().get(c));
            }
            // 100 images per class, rho = 0.95: blocks of AttributeBlocks, counts in the spec.
            long[] counts = splits.trainGroupCounts();
            for (int c = 0; c < 10; c++) {
                int[] sizes = AttributeBlocks.blockSizes(100, c, 10, 0.95);
                for (int a = 0; a < 10; a++) {
                    assertEquals(sizes[a], counts[c * 10 + a], "group " + spec.groupName(c * 10 + a));
                }
            }
            assertArrayEquals(counts, train.countGroups());
            assertArrayEquals(
                    AttributeBlocks.assign(mnist.trainLabels(), 10, 0.95), train.attributes());

            GroupedArrayDataset test = splits.test().orElseThrow();
            assertEquals(200, test.size());
            assertEquals(spec, test.groupSpec());
            assertArrayEquals(AttributeBlocks.assign(mnist.testLabels(), 10, 0.1), test.attributes());
            assertPixelsFollowTheColours(mnist.trainImages(), train, 0.05f);
            assertPixelsFollowTheColours(mnist.testImages(), test, 0.05f);
        }
    }

    /** Every image's channel c equals (int) (colour_c * gray) with one colour per image. */
    private static void assertPixelsFollowTheColours(IdxImages gray, GroupedArrayDataset ds, float sigma) {
        byte[] rgb = ds.rawBytes();
        int[] colors = ds.attributes();
        int pixels = gray.pixelsPerImage();
        for (int i = 0; i < gray.count(); i++) {
            float[] mean = ColoredMnist.meanColor(colors[i]);
            for (int c = 0; c < 3; c++) {
                // Pixel 5 of every synthetic image is 255: it carries the image's colour.
                float color = (rgb[(3 * i + c) * pixels + 5] & 0xFF) / 255f;
                assertTrue(Math.abs(color - mean[c]) < 6 * sigma + 1 / 255f,
                        "image " + i + " channel " + c + ": " + color + " vs mean " + mean[c]);
                for (int p = 0; p < pixels; p++) {
                    int g = gray.pixels()[i * pixels + p] & 0xFF;
                    int v = rgb[(3 * i + c) * pixels + p] & 0xFF;
                    assertTrue(v <= g && Math.abs(v - color * g) <= 1.0 + 1e-3,
                            "image " + i + " channel " + c + " pixel " + p + ": " + v + " from grey " + g);
                }
            }
        }
    }

    @Test
    void sameSeedSameBytesOtherSeedOtherBytes() {
        MnistSplits mnist = syntheticMnist(300, 50, 2);
        try (GroupedSplits a = ColoredMnist.builder().optSeed(7).build().generate(mnist);
                GroupedSplits b = ColoredMnist.builder().optSeed(7).build().generate(mnist);
                GroupedSplits c = ColoredMnist.builder().optSeed(8).build().generate(mnist)) {
            assertArrayEquals(a.train().rawBytes(), b.train().rawBytes());
            assertArrayEquals(a.test().orElseThrow().rawBytes(), b.test().orElseThrow().rawBytes());
            assertFalse(Arrays.equals(a.train().rawBytes(), c.train().rawBytes()));
            assertArrayEquals(a.train().attributes(), c.train().attributes());
        }
    }

    @Test
    void validationIsCarvedBeforeColouring() {
        MnistSplits mnist = syntheticMnist(1000, 100, 3);
        ColoredMnist unbiased =
                ColoredMnist.builder().optConflictPercent(2).optValidationFraction(0.2).build();
        try (GroupedSplits splits = unbiased.generate(mnist)) {
            GroupedArrayDataset train = splits.train();
            GroupedArrayDataset valid = splits.validation().orElseThrow();
            assertEquals(800, train.size());
            assertEquals(200, valid.size());
            assertArrayEquals(AttributeBlocks.assign(train.labels(), 10, 0.98), train.attributes());
            assertArrayEquals(AttributeBlocks.assign(valid.labels(), 10, 0.1), valid.attributes());
            assertArrayEquals(train.countGroups(), splits.trainGroupCounts());
            assertEquals(valid.groupSpec(), train.groupSpec());
            // Together the two splits hold each training label exactly as often as MNIST does.
            int[] all = new int[10];
            for (int y : train.labels()) {
                all[y]++;
            }
            for (int y : valid.labels()) {
                all[y]++;
            }
            assertArrayEquals(new int[] {100, 100, 100, 100, 100, 100, 100, 100, 100, 100}, all);
        }
        ColoredMnist biased =
                ColoredMnist.builder()
                        .optConflictPercent(2)
                        .optValidationFraction(0.2)
                        .optBiasedValidation(true)
                        .build();
        try (GroupedSplits splits = biased.generate(mnist)) {
            GroupedArrayDataset valid = splits.validation().orElseThrow();
            assertArrayEquals(AttributeBlocks.assign(valid.labels(), 10, 0.98), valid.attributes());
        }
    }

    @Test
    void nearestColourOfEachMeanIsItself() {
        for (int a = 0; a < ColoredMnist.NUM_COLORS; a++) {
            assertEquals(a, ColoredMnist.nearestColor(ColoredMnist.meanColor(a)));
        }
    }
}
