package dev.debias.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxFilesTest {

    @TempDir Path dir;

    private static IdxImages threeImages() {
        byte[] pixels = new byte[3 * 2 * 4];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 11);
        }
        return new IdxImages(3, 2, 4, pixels);
    }

    @Test
    void plainImagesRoundTripWithTheExactBytes() throws IOException {
        Path file = dir.resolve("images");
        IdxFiles.writeImages(file, threeImages(), false);
        byte[] bytes = Files.readAllBytes(file);
        assertEquals(16 + 24, bytes.length);
        // Big-endian header: magic 0x00000803, then 3, 2, 4.
        assertArrayEquals(
                new byte[] {0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 4},
                java.util.Arrays.copyOf(bytes, 16));
        assertFalse(IdxFiles.isGzip(file));
        IdxImages back = IdxFiles.readImages(file);
        assertEquals(3, back.count());
        assertEquals(2, back.rows());
        assertEquals(4, back.cols());
        assertArrayEquals(threeImages().pixels(), back.pixels());
    }

    @Test
    void gzipIsDetectedFromTheContentNotTheName() throws IOException {
        Path gzipped = dir.resolve("images-without-suffix");
        IdxFiles.writeImages(gzipped, threeImages(), true);
        assertTrue(IdxFiles.isGzip(gzipped));
        assertArrayEquals(threeImages().pixels(), IdxFiles.readImages(gzipped).pixels());

        Path plainNamedGz = dir.resolve("labels.gz");
        IdxFiles.writeLabels(plainNamedGz, new int[] {0, 9, 255}, false);
        assertFalse(IdxFiles.isGzip(plainNamedGz));
        assertArrayEquals(new int[] {0, 9, 255}, IdxFiles.readLabels(plainNamedGz));

        Path labels = dir.resolve("labels-gz");
        IdxFiles.writeLabels(labels, new int[] {3, 1, 4, 1, 5}, true);
        assertArrayEquals(new int[] {3, 1, 4, 1, 5}, IdxFiles.readLabels(labels));
    }

    @Test
    void truncatedFileNamesTheFileAndBothLengths() throws IOException {
        Path file = dir.resolve("short-images");
        IdxFiles.writeImages(file, threeImages(), false);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 5));
        IOException e = assertThrows(IOException.class, () -> IdxFiles.readImages(file));
        assertTrue(e.getMessage().contains("short-images"), e.getMessage());
        assertTrue(e.getMessage().contains("40"), e.getMessage());
        assertTrue(e.getMessage().contains("35"), e.getMessage());
    }

    @Test
    void trailingBytesInAGzipFileAreAnErrorToo() throws IOException {
        Path file = dir.resolve("long-labels");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(new byte[] {0, 0, 8, 1, 0, 0, 0, 2, 7, 7, 7});
        }
        IOException e = assertThrows(IOException.class, () -> IdxFiles.readLabels(file));
        assertTrue(e.getMessage().contains("long-labels"), e.getMessage());
        assertTrue(e.getMessage().contains("announces 10 bytes"), e.getMessage());
        assertTrue(e.getMessage().contains("holds 11"), e.getMessage());
    }

    @Test
    void wrongMagicIsNamed() throws IOException {
        Path file = dir.resolve("labels");
        IdxFiles.writeLabels(file, new int[] {1, 2}, false);
        IOException e = assertThrows(IOException.class, () -> IdxFiles.readImages(file));
        assertTrue(e.getMessage().contains("0x00000803"), e.getMessage());
        assertTrue(e.getMessage().contains("0x00000801"), e.getMessage());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void labelsMustFitInAByte() {
        assertThrows(
                IllegalArgumentException.class,
                () -> IdxFiles.writeLabels(dir.resolve("x"), new int[] {256}, false));
    }

    @Test
    void mnistLoadsPlainAndGzippedFiles() throws IOException {
        IdxFiles.writeImages(dir.resolve(Mnist.TRAIN_IMAGES), threeImages(), false);
        IdxFiles.writeLabels(dir.resolve(Mnist.TRAIN_LABELS + ".gz"), new int[] {1, 2, 3}, true);
        IdxImages test = new IdxImages(1, 2, 4, new byte[8]);
        IdxFiles.writeImages(dir.resolve(Mnist.TEST_IMAGES + ".gz"), test, true);
        IdxFiles.writeLabels(dir.resolve(Mnist.TEST_LABELS), new int[] {7}, false);
        assertTrue(Mnist.isPresent(dir));
        MnistSplits splits = Mnist.load(dir);
        assertArrayEquals(threeImages().pixels(), splits.trainImages().pixels());
        assertArrayEquals(new int[] {1, 2, 3}, splits.trainLabels());
        assertEquals(1, splits.testImages().count());
        assertArrayEquals(new int[] {7}, splits.testLabels());
    }

    @Test
    void mnistNamesAMissingFileAndTheFetchScript() throws IOException {
        IdxFiles.writeImages(dir.resolve(Mnist.TRAIN_IMAGES), threeImages(), false);
        assertFalse(Mnist.isPresent(dir));
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> Mnist.load(dir));
        assertTrue(e.getMessage().contains(Mnist.TRAIN_LABELS), e.getMessage());
        assertTrue(e.getMessage().contains("fetch-datasets.sh"), e.getMessage());
    }

    @Test
    void mnistRejectsDisagreeingCounts() throws IOException {
        IdxFiles.writeImages(dir.resolve(Mnist.TRAIN_IMAGES), threeImages(), false);
        IdxFiles.writeLabels(dir.resolve(Mnist.TRAIN_LABELS), new int[] {1, 2}, false);
        IdxFiles.writeImages(dir.resolve(Mnist.TEST_IMAGES), threeImages(), false);
        IdxFiles.writeLabels(dir.resolve(Mnist.TEST_LABELS), new int[] {1, 2, 3}, false);
        IOException e = assertThrows(IOException.class, () -> Mnist.load(dir));
        assertTrue(e.getMessage().contains("3 images but 2 labels"), e.getMessage());
    }

    @Test
    void selectCopiesImagesInTheGivenOrder() {
        IdxImages picked = threeImages().select(new int[] {2, 0});
        assertEquals(2, picked.count());
        assertEquals(16 * 11 % 256, picked.pixels()[0] & 0xFF);
        assertEquals(0, picked.pixels()[8]);
        assertThrows(IndexOutOfBoundsException.class, () -> threeImages().select(new int[] {3}));
    }
}
