package dev.debias.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.debias.augment.SubgroupTranslator;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * MNIST-Correlation on a synthetic MNIST whose images carry their own index in two pixels the
 * zigzag never draws on (row 0, columns 0 and 1), and on the real files when present.
 */
class MnistCorrelationTest {

    private static final int N = 28 * 28;

    /** An MNIST of {@code count} training images with digits 0, 1, 2, ... in turn. */
    private static MnistSplits synthetic(int count, int testCount) {
        return new MnistSplits(images(count), digits(count), images(testCount), digits(testCount));
    }

    private static IdxImages images(int count) {
        byte[] pixels = new byte[count * N];
        for (int i = 0; i < count; i++) {
            pixels[i * N] = (byte) (i % 256);
            pixels[i * N + 1] = (byte) (i / 256);
        }
        return new IdxImages(count, 28, 28, pixels);
    }

    private static int[] digits(int count) {
        int[] y = new int[count];
        for (int i = 0; i < count; i++) {
            y[i] = i % 10;
        }
        return y;
    }

    private static int sourceIndex(GroupedArrayDataset ds, int i) {
        byte[] raw = ds.rawBytes();
        return (raw[i * N] & 0xff) + 256 * (raw[i * N + 1] & 0xff);
    }

    private static boolean hasZigzag(GroupedArrayDataset ds, int i) {
        byte[] raw = ds.rawBytes();
        for (int p = 2; p < N; p++) {
            if (p % 28 >= 2 && raw[i * N + p] != 0) {
                return true;
            }
        }
        return false;
    }

    @Test
    void groupsComeFromTheRightHalvesAndEnds() {
        MnistSplits mnist = synthetic(400, 20);
        MnistCorrelation generator = MnistCorrelation.builder().optGroupSizes(new long[] {40, 10, 10, 40}).build();
        try (GroupedSplits splits = generator.generate(mnist)) {
            GroupedArrayDataset train = splits.train();
            GroupedArrayDataset validation = splits.validation().orElseThrow();
            assertArrayEquals(new long[] {20, 5, 5, 20}, splits.trainGroupCounts());
            assertArrayEquals(new long[] {20, 5, 5, 20}, validation.countGroups());
            assertEquals(MnistCorrelation.groupSpec().classNames(), train.groupSpec().classNames());
            assertTrue(train.groupSpec().isAligned(train.groupSpec().groupOf(MnistCorrelation.ODD, MnistCorrelation.ZIGZAG)));
            Set<Integer> seen = new HashSet<>();
            for (int i = 0; i < train.size(); i++) {
                int source = sourceIndex(train, i);
                assertTrue(source < 200, "training images come from the first half");
                assertEquals(source % 2, train.labels()[i], "the label is the parity");
                assertEquals(train.attributes()[i] == MnistCorrelation.ZIGZAG, hasZigzag(train, i));
                assertTrue(seen.add(source), "image " + source + " used twice");
            }
            // even clean: the first 20 even images of [0, 200); even zigzag: the last 5 even ones
            int[] y = train.labels();
            int[] a = train.attributes();
            Set<Integer> evenZigzag = new HashSet<>();
            int maxEvenClean = -1;
            for (int i = 0; i < train.size(); i++) {
                if (y[i] == 0 && a[i] == 1) {
                    evenZigzag.add(sourceIndex(train, i));
                } else if (y[i] == 0) {
                    maxEvenClean = Math.max(maxEvenClean, sourceIndex(train, i));
                }
            }
            assertEquals(Set.of(190, 192, 194, 196, 198), evenZigzag);
            assertEquals(38, maxEvenClean);
            for (int i = 0; i < validation.size(); i++) {
                assertTrue(sourceIndex(validation, i) >= 200, "validation images come from the second half");
            }
            GroupedArrayDataset test = splits.test().orElseThrow();
            assertEquals(40, test.size());
            assertArrayEquals(new long[] {10, 10, 10, 10}, test.countGroups());
        }
    }

    @Test
    void translationDomainsReuseStageTwoImagesWithTheSameZigzags() {
        MnistSplits mnist = synthetic(1000, 20);
        MnistCorrelation generator = MnistCorrelation.builder().optSeed(3).optGroupSizes(new long[] {40, 200, 10, 40}).build();
        try (GroupedSplits splits = generator.generate(mnist);
                GroupedArrayDataset domains = generator.translationDomains(mnist)) {
            assertEquals(400, domains.size());
            assertArrayEquals(new long[] {100, 100, 100, 100}, domains.countGroups());
            // the last 100 even images of the training split are the (even, zigzag) validation group
            GroupedArrayDataset validation = splits.validation().orElseThrow();
            int checked = 0;
            for (int i = 0; i < domains.size(); i++) {
                if (domains.labels()[i] != 0 || domains.attributes()[i] != 1) {
                    continue;
                }
                int source = sourceIndex(domains, i);
                for (int j = 0; j < validation.size(); j++) {
                    if (validation.attributes()[j] == 1 && sourceIndex(validation, j) == source) {
                        assertArrayEquals(
                                java.util.Arrays.copyOfRange(domains.rawBytes(), i * N, (i + 1) * N),
                                java.util.Arrays.copyOfRange(validation.rawBytes(), j * N, (j + 1) * N));
                        checked++;
                    }
                }
            }
            assertEquals(100, checked);
        }
    }

    @Test
    void seedChangesOnlyTheZigzags() {
        MnistSplits mnist = synthetic(400, 20);
        long[] sizes = {40, 10, 10, 40};
        try (GroupedSplits a = MnistCorrelation.builder().optGroupSizes(sizes).optSeed(1).build().generate(mnist);
                GroupedSplits b = MnistCorrelation.builder().optGroupSizes(sizes).optSeed(1).build().generate(mnist);
                GroupedSplits c = MnistCorrelation.builder().optGroupSizes(sizes).optSeed(2).build().generate(mnist)) {
            assertArrayEquals(a.train().rawBytes(), b.train().rawBytes());
            assertFalse(java.util.Arrays.equals(a.train().rawBytes(), c.train().rawBytes()));
            assertArrayEquals(a.train().labels(), c.train().labels());
        }
    }

    @Test
    void tooFewDigitsIsNamed() {
        MnistSplits mnist = synthetic(400, 20);
        MnistCorrelation generator = MnistCorrelation.builder().optGroupSizes(new long[] {150, 100, 10, 10}).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> generator.generate(mnist));
        assertTrue(e.getMessage().contains("even"), e.getMessage());
        assertTrue(e.getMessage().contains("training part"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MnistCorrelation.builder().optGroupSizes(new long[] {1, 2, 3}));
    }

    @Test
    void realMnistGivesThePublishedGroupSizes() throws IOException {
        Assumptions.assumeTrue(DatasetPaths.hasMnist(), "MNIST not fetched; run scripts/fetch-datasets.sh");
        MnistSplits mnist = Mnist.load();
        try (GroupedSplits splits = MnistCorrelation.builder().build().generate(mnist)) {
            assertArrayEquals(new long[] {9_900, 100, 100, 9_900}, splits.trainGroupCounts());
            assertArrayEquals(new long[] {9_900, 100, 100, 9_900}, splits.validation().orElseThrow().countGroups());
            assertEquals(20_000, splits.test().orElseThrow().size());
        }
    }

    @Test
    void theOracleRendersEveryImageAsItsOwnDigitInTheOtherSubgroupWithTheDatasetsZigzag() {
        MnistSplits mnist = synthetic(400, 20);
        MnistCorrelation generator = MnistCorrelation.builder().optGroupSizes(new long[] {40, 10, 10, 40}).build();
        SubgroupTranslator oracle = generator.oracleTranslator(mnist);
        try (GroupedSplits splits = generator.generate(mnist); NDManager manager = NDManager.newBaseManager()) {
            for (GroupedArrayDataset split : List.of(splits.train(), splits.validation().orElseThrow())) {
                for (int y = 0; y < 2; y++) {
                    int label = y;
                    long[] picked = IntStream.range(0, Math.toIntExact(split.size())).filter(i -> split.labels()[i] == label)
                            .asLongStream().toArray();
                    NDArray originals = split.features(manager, picked);
                    float[] before = originals.toFloatArray();
                    float[] zigzagged = oracle.translate(originals, y, MnistCorrelation.CLEAN, MnistCorrelation.ZIGZAG).toFloatArray();
                    float[] cleaned = oracle.translate(originals, y, MnistCorrelation.ZIGZAG, MnistCorrelation.CLEAN).toFloatArray();
                    byte[] zigzagPixels = bytes(zigzagged);
                    byte[] cleanPixels = bytes(cleaned);
                    for (int k = 0; k < picked.length; k++) {
                        int i = (int) picked[k];
                        int source = sourceIndex(split, i);
                        assertEquals(source, (zigzagPixels[k * N] & 0xff) + 256 * (zigzagPixels[k * N + 1] & 0xff));
                        // the clean rendering is the MNIST image itself, the zigzagged one carries a zigzag
                        assertArrayEquals(Arrays.copyOfRange(mnist.trainImages().pixels(), source * N, (source + 1) * N),
                                Arrays.copyOfRange(cleanPixels, k * N, (k + 1) * N), "image " + i);
                        assertTrue(hasZigzagPixels(zigzagPixels, k), "image " + i + " rendered zigzagged");
                        // an image already in the target subgroup comes back as the same floats: the
                        // oracle's zigzag of a digit is the one the dataset drew over it
                        float[] own = split.attributes()[i] == MnistCorrelation.ZIGZAG ? zigzagged : cleaned;
                        assertArrayEquals(Arrays.copyOfRange(before, k * N, (k + 1) * N),
                                Arrays.copyOfRange(own, k * N, (k + 1) * N), 0f, "image " + i + " in its own subgroup");
                    }
                }
            }
        }
    }

    @Test
    void theOracleNamesWhatItCannotTranslate() {
        MnistSplits mnist = synthetic(400, 20);
        SubgroupTranslator oracle = MnistCorrelation.builder().optGroupSizes(new long[] {40, 10, 10, 40}).build()
                .oracleTranslator(mnist);
        assertFalse(oracle.supports(0, 0, 0));
        assertFalse(oracle.supports(2, 0, 1));
        assertTrue(oracle.supports(1, 1, 0));
        try (NDManager manager = NDManager.newBaseManager()) {
            IllegalArgumentException stranger = assertThrows(IllegalArgumentException.class,
                    () -> oracle.translate(manager.ones(new Shape(1, 1, 28, 28)), 0, 0, 1));
            assertTrue(stranger.getMessage().contains("none of MNIST's training images"), stranger.getMessage());
            IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                    () -> oracle.translate(manager.zeros(new Shape(2, 3, 28, 28)), 0, 0, 1));
            assertTrue(shape.getMessage().contains("(2, 3, 28, 28)"), shape.getMessage());
            IllegalArgumentException pair = assertThrows(IllegalArgumentException.class,
                    () -> oracle.translate(manager.zeros(new Shape(1, 1, 28, 28)), 0, 1, 1));
            assertTrue(pair.getMessage().contains("from 1 to 1"), pair.getMessage());
        }
    }

    private static byte[] bytes(float[] v) {
        byte[] out = new byte[v.length];
        for (int p = 0; p < v.length; p++) {
            out[p] = (byte) Math.round(v[p] * 255f);
        }
        return out;
    }

    private static boolean hasZigzagPixels(byte[] pixels, int k) {
        for (int p = 2; p < N; p++) {
            if (p % 28 >= 2 && pixels[k * N + p] != 0) {
                return true;
            }
        }
        return false;
    }
}
