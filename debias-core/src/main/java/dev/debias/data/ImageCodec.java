package dev.debias.data;

import ai.djl.ndarray.types.Shape;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;

/**
 * Decodes image files into one contiguous uint8 CHW array and writes PNGs, with javax.imageio.
 *
 * <p>Grey images give one channel, colour images three (an alpha channel is dropped, a palette
 * is expanded to RGB); only 8-bit samples are accepted.
 */
public final class ImageCodec {

    private ImageCodec() {}

    /** Decoded pixels, CHW, with their shape {@code (C, H, W)}. */
    static final class Decoded {

        private final byte[] pixels;
        private final Shape shape;

        Decoded(byte[] pixels, Shape shape) {
            this.pixels = pixels;
            this.shape = shape;
        }

        /** Returns the pixels (not a copy). */
        byte[] pixels() {
            return pixels;
        }

        /** Returns the shape of one image, {@code (C, H, W)}. */
        Shape shape() {
            return shape;
        }
    }

    /**
     * Decodes images in parallel into one array; every image must have the shape of the first
     * one (after resizing, if a target size is given) or the expected shape.
     *
     * @param files the image files, at least one
     * @param expected the shape every image must have, or null to take the first image's
     * @param targetSize {@code {height, width}} to resize to (bilinear), or null to keep sizes
     * @param where describes file {@code i} in messages (its path, perhaps with a CSV row)
     * @return the pixels of all images and the shape of one
     * @throws IOException if an image cannot be decoded or its shape differs
     */
    static Decoded decodeAll(
            List<Path> files, Shape expected, int[] targetSize, IntFunction<String> where)
            throws IOException {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no image files to decode");
        }
        Decoded first = decode(files.get(0), targetSize, where.apply(0));
        Shape shape = expected != null ? expected : first.shape();
        String reference = expected != null ? "the other splits" : where.apply(0);
        check(first, shape, reference, where.apply(0));
        int size = Math.toIntExact(shape.size());
        byte[] pixels = new byte[Math.multiplyExact(files.size(), size)];
        System.arraycopy(first.pixels(), 0, pixels, 0, size);
        try {
            IntStream.range(1, files.size())
                    .parallel()
                    .forEach(
                            i -> {
                                try {
                                    String name = where.apply(i);
                                    Decoded image = decode(files.get(i), targetSize, name);
                                    check(image, shape, reference, name);
                                    System.arraycopy(image.pixels(), 0, pixels, i * size, size);
                                } catch (IOException e) {
                                    throw new UncheckedIOException(e);
                                }
                            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return new Decoded(pixels, shape);
    }

    private static void check(Decoded image, Shape shape, String reference, String where)
            throws IOException {
        if (!image.shape().equals(shape)) {
            throw new IOException(
                    where
                            + ": image of shape (C, H, W) = "
                            + image.shape()
                            + " differs from "
                            + shape
                            + " of "
                            + reference
                            + " (mixed sizes or channel counts)");
        }
    }

    /**
     * Decodes one image into CHW bytes, resized if a target size is given.
     *
     * @param file the image file
     * @param targetSize {@code {height, width}}, or null
     * @param where the file's description for messages
     * @return the pixels and their shape
     * @throws IOException if the image cannot be decoded or has an unsupported pixel format
     */
    static Decoded decode(Path file, int[] targetSize, String where) throws IOException {
        BufferedImage image = read(file, where);
        int channels = channels(image, where);
        int height = image.getHeight();
        int width = image.getWidth();
        byte[] chw = new byte[channels * height * width];
        int plane = height * width;
        if (image.getColorModel() instanceof IndexColorModel) {
            int[] argb = image.getRGB(0, 0, width, height, null, 0, width);
            for (int p = 0; p < plane; p++) {
                chw[p] = (byte) (argb[p] >> 16);
                chw[plane + p] = (byte) (argb[p] >> 8);
                chw[2 * plane + p] = (byte) argb[p];
            }
        } else {
            Raster raster = image.getRaster();
            int[] samples = new int[plane];
            for (int c = 0; c < channels; c++) {
                raster.getSamples(0, 0, width, height, c, samples);
                int offset = c * plane;
                for (int p = 0; p < plane; p++) {
                    chw[offset + p] = (byte) samples[p];
                }
            }
        }
        if (targetSize == null || (targetSize[0] == height && targetSize[1] == width)) {
            return new Decoded(chw, new Shape(channels, height, width));
        }
        byte[] resized =
                resizeBilinear(chw, channels, height, width, targetSize[0], targetSize[1]);
        return new Decoded(resized, new Shape(channels, targetSize[0], targetSize[1]));
    }

    private static BufferedImage read(Path file, String where) throws IOException {
        BufferedImage image;
        try {
            image = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new IOException(where + ": cannot decode image: " + e.getMessage(), e);
        }
        if (image == null) {
            throw new IOException(where + ": not an image format javax.imageio can read");
        }
        return image;
    }

    private static int channels(BufferedImage image, String where) throws IOException {
        ColorModel model = image.getColorModel();
        if (model instanceof IndexColorModel) {
            return 3;
        }
        int components = model.getNumColorComponents();
        if (components != 1 && components != 3) {
            throw new IOException(
                    where + ": unsupported image with " + components + " colour components");
        }
        for (int c = 0; c < components; c++) {
            if (model.getComponentSize(c) != 8) {
                throw new IOException(
                        where
                                + ": unsupported "
                                + model.getComponentSize(c)
                                + "-bit samples (only 8-bit images are read)");
            }
        }
        return components;
    }

    /**
     * Resizes CHW bytes bilinearly with half-pixel centres (no antialiasing), rounding to the
     * nearest integer.
     *
     * @param chw the source pixels
     * @param channels the channel count
     * @param height the source height
     * @param width the source width
     * @param newHeight the target height
     * @param newWidth the target width
     * @return the resized pixels
     */
    static byte[] resizeBilinear(
            byte[] chw, int channels, int height, int width, int newHeight, int newWidth) {
        byte[] out = new byte[channels * newHeight * newWidth];
        double scaleY = (double) height / newHeight;
        double scaleX = (double) width / newWidth;
        for (int y = 0; y < newHeight; y++) {
            double sy = Math.min(Math.max((y + 0.5) * scaleY - 0.5, 0), height - 1);
            int y0 = (int) sy;
            int y1 = Math.min(y0 + 1, height - 1);
            double fy = sy - y0;
            for (int x = 0; x < newWidth; x++) {
                double sx = Math.min(Math.max((x + 0.5) * scaleX - 0.5, 0), width - 1);
                int x0 = (int) sx;
                int x1 = Math.min(x0 + 1, width - 1);
                double fx = sx - x0;
                for (int c = 0; c < channels; c++) {
                    int base = c * height * width;
                    double top =
                            (chw[base + y0 * width + x0] & 0xFF) * (1 - fx)
                                    + (chw[base + y0 * width + x1] & 0xFF) * fx;
                    double bottom =
                            (chw[base + y1 * width + x0] & 0xFF) * (1 - fx)
                                    + (chw[base + y1 * width + x1] & 0xFF) * fx;
                    double value = top * (1 - fy) + bottom * fy;
                    out[(c * newHeight + y) * newWidth + x] = (byte) Math.round(value);
                }
            }
        }
        return out;
    }

    /**
     * Writes one CHW uint8 image as a PNG (not atomically; callers write into a temporary
     * directory).
     *
     * @param file the target file
     * @param pixels the pixels of all samples
     * @param offset where this image starts in {@code pixels}
     * @param shape {@code (C, H, W)} with C = 1 or 3
     * @throws IOException if writing fails
     */
    public static void writePng(Path file, byte[] pixels, int offset, Shape shape) throws IOException {
        int channels = (int) shape.get(0);
        int height = (int) shape.get(1);
        int width = (int) shape.get(2);
        BufferedImage image =
                new BufferedImage(
                        width,
                        height,
                        channels == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
        WritableRaster raster = image.getRaster();
        int plane = height * width;
        int[] samples = new int[plane];
        for (int c = 0; c < channels; c++) {
            int start = offset + c * plane;
            for (int p = 0; p < plane; p++) {
                samples[p] = pixels[start + p] & 0xFF;
            }
            raster.setSamples(0, 0, width, height, c, samples);
        }
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException(file + ": no PNG writer available");
        }
    }
}
