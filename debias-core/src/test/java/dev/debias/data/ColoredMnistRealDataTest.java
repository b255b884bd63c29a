package dev.debias.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Colored MNIST on the real MNIST files; skipped when they have not been fetched. */
class ColoredMnistRealDataTest {

    private static MnistSplits mnist;
    private static GroupedSplits onePercent;

    @BeforeAll
    static void load() throws IOException {
        Assumptions.assumeTrue(
                DatasetPaths.hasMnist(),
                "MNIST not found under "
                        + DatasetPaths.root()
                        + "; run scripts/fetch-datasets.sh to enable this test");
        mnist = Mnist.load();
        long start = System.nanoTime();
        onePercent = ColoredMnist.builder().optConflictPercent(1).build().generate(mnist);
        System.out.printf(
                "Colored MNIST 1%% from real MNIST built in %.0f ms%n", (System.nanoTime() - start) / 1e6);
    }

    @AfterAll
    static void close() {
        if (onePercent != null) {
            onePercent.close();
        }
    }

    @Test
    void mnistHasItsKnownSizes() {
        assertEquals(60_000, mnist.trainImages().count());
        assertEquals(10_000, mnist.testImages().count());
        assertEquals(28, mnist.trainImages().rows());
        assertEquals(28, mnist.trainImages().cols());
        int[] counts = new int[10];
        for (int y : mnist.trainLabels()) {
            counts[y]++;
        }
        assertArrayEquals(AttributeBlocksTest.MNIST_TRAIN_CLASS_COUNTS, counts);
    }

    @Test
    void conflictingTotalsOfSection15O1() {
        double[] percents = {5, 2, 1, 0.5};
        int[] totals = {3000, 1199, 598, 300};
        for (int k = 0; k < percents.length; k++) {
            int[] colors = AttributeBlocks.assign(mnist.trainLabels(), 10, 1 - percents[k] / 100);
            int conflicting = 0;
            for (int i = 0; i < colors.length; i++) {
                conflicting += colors[i] != mnist.trainLabels()[i] ? 1 : 0;
            }
            assertEquals(totals[k], conflicting, percents[k] + " %");
        }
    }

    @Test
    void onePercentSplitMatchesTheProtocol() {
        GroupedArrayDataset train = onePercent.train();
        GroupSpec spec = train.groupSpec();
        long conflicting = 0;
        long[] counts = onePercent.trainGroupCounts();
        for (int g = 0; g < counts.length; g++) {
            conflicting += spec.isConflicting(g) ? counts[g] : 0;
        }
        assertEquals(598, conflicting);
        assertTrue(Math.abs(100.0 * conflicting / train.size() - 1.0) <= 0.1);
        long[] classZero = new long[10];
        System.arraycopy(counts, 0, classZero, 0, 10);
        assertArrayEquals(new long[] {5864, 6, 7, 7, 6, 7, 6, 7, 6, 7}, classZero);
    }

    @Test
    void testBlocksOfSection15O1AndUniformColours() {
        GroupedArrayDataset test = onePercent.test().orElseThrow();
        long[] counts = test.countGroups();
        long[] classOne = new long[10];
        long[] classNine = new long[10];
        System.arraycopy(counts, 10, classOne, 0, 10);
        System.arraycopy(counts, 90, classNine, 0, 10);
        assertArrayEquals(new long[] {114, 113, 114, 113, 114, 113, 113, 114, 113, 114}, classOne);
        assertArrayEquals(new long[] {101, 101, 101, 101, 100, 101, 101, 101, 101, 101}, classNine);
        for (int c = 0; c < 10; c++) {
            long min = Long.MAX_VALUE;
            long max = 0;
            for (int a = 0; a < 10; a++) {
                min = Math.min(min, counts[c * 10 + a]);
                max = Math.max(max, counts[c * 10 + a]);
            }
            assertTrue(max - min <= 1, "class " + c + " colour counts range " + min + ".." + max);
        }
    }

    @Test
    void alignedImagesShowTheirClassColour() {
        GroupedArrayDataset train = onePercent.train();
        byte[] rgb = train.rawBytes();
        byte[] gray = mnist.trainImages().pixels();
        int[] labels = train.labels();
        int[] colors = train.attributes();
        int pixels = 28 * 28;
        int checked = 0;
        for (int i = 0; i < labels.length; i++) {
            if (colors[i] != labels[i]) {
                continue;
            }
            double[] sum = new double[3];
            double graySum = 0;
            for (int p = 0; p < pixels; p++) {
                int g = gray[i * pixels + p] & 0xFF;
                if (g < 128) {
                    continue;
                }
                graySum += g;
                for (int c = 0; c < 3; c++) {
                    sum[c] += rgb[(3 * i + c) * pixels + p] & 0xFF;
                }
            }
            float[] estimate = {
                (float) (sum[0] / graySum), (float) (sum[1] / graySum), (float) (sum[2] / graySum)
            };
            assertEquals(labels[i], ColoredMnist.nearestColor(estimate), "training image " + i);
            checked++;
        }
        assertEquals(60_000 - 598, checked);
    }
}
