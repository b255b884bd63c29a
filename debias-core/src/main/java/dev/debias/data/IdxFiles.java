package dev.debias.data;

import dev.debias.io.AtomicFiles;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Reads and writes IDX files, the format of MNIST and Fashion-MNIST: a big-endian magic number
 * ({@code 0x00000801} for a vector of uint8 labels, {@code 0x00000803} for a stack of uint8
 * images), one big-endian int32 per dimension, then the values.
 *
 * <p>Files may be gzip-compressed; compression is detected from the gzip magic bytes, not from
 * the file name. The dimensions of the header must account for exactly the bytes that follow,
 * otherwise reading fails with an exception naming the file and both lengths. Writing is atomic
 * (through {@link AtomicFiles}).
 */
public final class IdxFiles {

    /** The magic number of a uint8 vector (labels). */
    public static final int LABELS_MAGIC = 0x00000801;

    /** The magic number of a uint8 stack of matrices (images). */
    public static final int IMAGES_MAGIC = 0x00000803;

    private static final int GZIP_MAGIC_0 = 0x1f;
    private static final int GZIP_MAGIC_1 = 0x8b;

    private IdxFiles() {}

    /**
     * Reads an IDX image file ({@code 0x00000803}, plain or gzipped).
     *
     * @param file the file
     * @return the images
     * @throws IOException if the file cannot be read, has another magic number, or its length
     *     disagrees with its header
     */
    public static IdxImages readImages(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            checkMagic(file, in, IMAGES_MAGIC, "uint8 images");
            int count = readDimension(file, in, "image count");
            int rows = readDimension(file, in, "row count");
            int cols = readDimension(file, in, "column count");
            long payload = (long) count * rows * cols;
            if (payload > Integer.MAX_VALUE - 16) {
                throw new IOException(
                        file + ": header announces " + payload + " pixels, too many for one array");
            }
            byte[] pixels = readPayload(file, in, 16, (int) payload);
            return new IdxImages(count, rows, cols, pixels);
        }
    }

    /**
     * Reads an IDX label file ({@code 0x00000801}, plain or gzipped).
     *
     * @param file the file
     * @return the labels, each in {@code [0, 255]}
     * @throws IOException if the file cannot be read, has another magic number, or its length
     *     disagrees with its header
     */
    public static int[] readLabels(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            checkMagic(file, in, LABELS_MAGIC, "uint8 labels");
            int count = readDimension(file, in, "label count");
            byte[] bytes = readPayload(file, in, 8, count);
            int[] labels = new int[count];
            for (int i = 0; i < count; i++) {
                labels[i] = bytes[i] & 0xFF;
            }
            return labels;
        }
    }

    /**
     * Writes an IDX image file atomically.
     *
     * @param file the target file
     * @param images the images
     * @param gzip whether to gzip the file
     * @throws IOException if writing fails; the target is then untouched
     */
    public static void writeImages(Path file, IdxImages images, boolean gzip) throws IOException {
        write(
                file,
                gzip,
                out -> {
                    out.writeInt(IMAGES_MAGIC);
                    out.writeInt(images.count());
                    out.writeInt(images.rows());
                    out.writeInt(images.cols());
                    out.write(images.pixels());
                });
    }

    /**
     * Writes an IDX label file atomically.
     *
     * @param file the target file
     * @param labels the labels, each in {@code [0, 255]}
     * @param gzip whether to gzip the file
     * @throws IOException if writing fails; the target is then untouched
     * @throws IllegalArgumentException if a label does not fit in a uint8
     */
    public static void writeLabels(Path file, int[] labels, boolean gzip) throws IOException {
        byte[] bytes = new byte[labels.length];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] > 255) {
                throw new IllegalArgumentException(
                        "label " + labels[i] + " at index " + i + " does not fit in a uint8");
            }
            bytes[i] = (byte) labels[i];
        }
        write(
                file,
                gzip,
                out -> {
                    out.writeInt(LABELS_MAGIC);
                    out.writeInt(labels.length);
                    out.write(bytes);
                });
    }

    /**
     * Returns whether a file starts with the gzip magic bytes.
     *
     * @param file the file
     * @return true for a gzip file
     * @throws IOException if the file cannot be read
     */
    public static boolean isGzip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.read() == GZIP_MAGIC_0 && in.read() == GZIP_MAGIC_1;
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        boolean gzip = isGzip(file);
        InputStream raw = Files.newInputStream(file);
        try {
            InputStream in = gzip ? new GZIPInputStream(raw, 1 << 16) : raw;
            return new DataInputStream(new BufferedInputStream(in, 1 << 16));
        } catch (IOException e) {
            raw.close();
            throw new IOException(file + ": cannot open gzip stream: " + e.getMessage(), e);
        }
    }

    private static void checkMagic(Path file, DataInputStream in, int expected, String what)
            throws IOException {
        int magic;
        try {
            magic = in.readInt();
        } catch (EOFException e) {
            throw new IOException(file + ": too short for an IDX header", e);
        }
        if (magic != expected) {
            throw new IOException(
                    String.format(
                            "%s: expected IDX magic number 0x%08x (%s), found 0x%08x",
                            file, expected, what, magic));
        }
    }

    private static int readDimension(Path file, DataInputStream in, String what)
            throws IOException {
        int value;
        try {
            value = in.readInt();
        } catch (EOFException e) {
            throw new IOException(file + ": IDX header ends before the " + what, e);
        }
        if (value < 0) {
            throw new IOException(file + ": negative " + what + " " + value + " in the IDX header");
        }
        return value;
    }

    /** Reads exactly {@code length} bytes and checks that nothing follows. */
    private static byte[] readPayload(Path file, InputStream in, int headerLength, int length)
            throws IOException {
        byte[] data;
        long trailing = 0;
        try {
            data = in.readNBytes(length);
            if (data.length == length) {
                byte[] buffer = new byte[1 << 16];
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    trailing += n;
                }
            }
        } catch (IOException e) {
            throw new IOException(file + ": cannot read the IDX content: " + e.getMessage(), e);
        }
        if (data.length != length || trailing != 0) {
            long expected = (long) headerLength + length;
            long actual = (long) headerLength + data.length + trailing;
            throw new IOException(
                    file
                            + ": IDX header announces "
                            + expected
                            + " bytes of content but the file holds "
                            + actual
                            + (isGzip(file) ? " (after decompression)" : ""));
        }
        return data;
    }

    /** Writes a data stream into an IDX body. */
    @FunctionalInterface
    private interface Body {
        void write(DataOutputStream out) throws IOException;
    }

    private static void write(Path file, boolean gzip, Body body) throws IOException {
        AtomicFiles.write(
                file,
                raw -> {
                    GZIPOutputStream zip = gzip ? new GZIPOutputStream(raw, 1 << 16) : null;
                    OutputStream target = zip != null ? zip : raw;
                    DataOutputStream out =
                            new DataOutputStream(new BufferedOutputStream(target, 1 << 16));
                    body.write(out);
                    out.flush();
                    if (zip != null) {
                        zip.finish();
                    }
                });
    }
}
