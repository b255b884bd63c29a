package dev.debias.data;

import java.util.SplittableRandom;

/**
 * The "zigzag" corruption of MNIST-C (Mu and Gilmer, "MNIST-C: A Robustness Benchmark for Computer
 * Vision", 2019), written from the description of its {@code corruptions.py}: a bright zigzag line
 * drawn across a 28&times;28 grey digit. It is the spurious attribute of CAMEL's MNIST-Correlation
 * (Goel et al., "Model Patching", ICLR 2021).
 *
 * <p>Per image, two integers are drawn in this order: a start row {@code r0} uniform in {@code
 * 0..26} and a slope {@code k} uniform in {@code -5..4}. The centre line runs from column 2, row
 * {@code r0} to column 25, row {@code r0 + k}; along it, points alternate 2 pixels to either side
 * every 4 pixels (half-period 2, amplitude 2), and the reference's last point {@code (d, r / (2 (d -
 * max)))} is kept as it is. Each of the segments between consecutive points adds, for every pixel,
 * {@code clip(ln(1 - dist / 2.3) + 1, 0, 1)} of its vertical distance {@code dist} to the segment's
 * line, within the segment's columns; the image is clipped to [0, 1] after each segment.
 *
 * <p>The reference draws from numpy's global stream and stores float pixels; here every image draws
 * from its own seeded stream (so a corrupted dataset is reproducible from its seed and an image's
 * corruption does not depend on which other images are corrupted), and pixels are rounded to the
 * nearest uint8. The protocol is the reference's; the pixels of MNIST-C's released files are not
 * reproduced.
 */
public final class ZigzagCorruption {

    /** The side of the images the corruption is defined on. */
    public static final int SIZE = 28;

    private static final double HALF_PERIOD = 2;
    private static final double AMPLITUDE = 2;
    private static final int START_COLUMN = 2;
    private static final int END_COLUMN = 25;
    private static final double REACH = 2.3;

    private ZigzagCorruption() {}

    /**
     * Returns the zigzag's control points for a start row and slope, as {@code {columns, rows}}.
     *
     * @param startRow the start row {@code r0}
     * @param slope the row offset {@code k} of the end of the centre line
     * @return the points' columns and rows, in drawing order
     */
    static double[][] points(int startRow, int slope) {
        double theta = Math.atan((double) slope / (END_COLUMN - START_COLUMN));
        double length = (END_COLUMN - START_COLUMN) / Math.cos(theta);
        int zigs = (int) Math.floor((length - HALF_PERIOD) / (2 * HALF_PERIOD)) + 1;
        double lastCorner = 2 * HALF_PERIOD * Math.floor(length / (2 * HALF_PERIOD));
        boolean extra = length != lastCorner;
        int n = 1 + zigs + (extra ? 1 : 0);
        double[] along = new double[n];
        double[] across = new double[n];
        for (int i = 0; i < zigs; i++) {
            along[i + 1] = (2 * i + 1) * HALF_PERIOD;
            across[i + 1] = (i % 2 == 0 ? 1 : -1) * AMPLITUDE;
        }
        if (extra) {
            along[n - 1] = length;
            across[n - 1] = across[zigs] / (2 * (length - lastCorner));
        }
        double cos = Math.cos(theta);
        double sin = Math.sin(theta);
        double[] cols = new double[n];
        double[] rows = new double[n];
        for (int i = 0; i < n; i++) {
            cols[i] = along[i] * cos - across[i] * sin + START_COLUMN;
            rows[i] = along[i] * sin + across[i] * cos + startRow;
        }
        return new double[][] {cols, rows};
    }

    /**
     * Adds one segment's line to an image in [0, 1] and clips it to [0, 1].
     *
     * @param image 28&times;28 values, row-major, changed in place
     */
    private static void drawSegment(double[] image, double c0, double r0, double c1, double r1) {
        if (c1 == c0) {
            return;
        }
        double slope = (r1 - r0) / (c1 - c0);
        int first = Math.max(0, (int) Math.floor(c0));
        int end = Math.min(SIZE, (int) Math.ceil(c1));
        for (int col = first; col < end; col++) {
            double lineRow = slope * (col - c0) + r0;
            for (int row = 0; row < SIZE; row++) {
                double dist = Math.min(Math.abs(row - lineRow), REACH - 1e-10);
                double value = Math.log(1 - dist / REACH) + 1;
                if (value > 0) {
                    int p = row * SIZE + col;
                    image[p] = Math.min(1, image[p] + Math.min(1, value));
                }
            }
        }
    }

    /**
     * Corrupts one image with the zigzag its stream draws.
     *
     * @param pixels uint8 pixels of images of 28&times;28, row-major, one after another
     * @param offset the index of the image's first pixel in {@code pixels}
     * @param random the image's own stream; two integers are drawn from it
     * @return the corrupted image, 784 uint8 values
     */
    public static byte[] corrupt(byte[] pixels, int offset, SplittableRandom random) {
        if (offset < 0 || offset + SIZE * SIZE > pixels.length) {
            throw new IllegalArgumentException(
                    "no 28 x 28 image at pixel " + offset + " of " + pixels.length);
        }
        int startRow = random.nextInt(0, SIZE - 1);
        int slope = random.nextInt(-5, 5);
        return draw(pixels, offset, startRow, slope);
    }

    /**
     * Draws the zigzag of a start row and slope over one image.
     *
     * @param pixels uint8 pixels of 28&times;28 images
     * @param offset the index of the image's first pixel
     * @param startRow the start row {@code r0}
     * @param slope the row offset {@code k}
     * @return the corrupted image
     */
    static byte[] draw(byte[] pixels, int offset, int startRow, int slope) {
        double[][] points = points(startRow, slope);
        double[] image = new double[SIZE * SIZE];
        for (int p = 0; p < image.length; p++) {
            image[p] = (pixels[offset + p] & 0xff) / 255.0;
        }
        double[] cols = points[0];
        double[] rows = points[1];
        for (int i = 1; i < cols.length; i++) {
            drawSegment(image, cols[i - 1], rows[i - 1], cols[i], rows[i]);
        }
        byte[] out = new byte[image.length];
        for (int p = 0; p < image.length; p++) {
            out[p] = (byte) Math.round(image[p] * 255);
        }
        return out;
    }

    /**
     * Corrupts chosen images of a set. Image {@code i} of the set draws from the stream {@code
     * (seed, i)}, whichever other images are chosen.
     *
     * @param images 28&times;28 images
     * @param indices the indices of the images to corrupt, in the order of the result
     * @param seed the seed of the corruption
     * @return the corrupted images, in the order of {@code indices}
     * @throws IllegalArgumentException if the images are not 28&times;28 or an index is out of range
     */
    public static IdxImages corrupt(IdxImages images, int[] indices, long seed) {
        if (images.rows() != SIZE || images.cols() != SIZE) {
            throw new IllegalArgumentException(
                    "the zigzag corruption needs 28 x 28 images, got " + images.rows() + " x " + images.cols());
        }
        int size = SIZE * SIZE;
        byte[] out = new byte[indices.length * size];
        for (int k = 0; k < indices.length; k++) {
            int i = indices[k];
            if (i < 0 || i >= images.count()) {
                throw new IllegalArgumentException("image index " + i + " outside [0, " + images.count() + ")");
            }
            byte[] one = corrupt(images.pixels(), i * size, streamOf(seed, i));
            System.arraycopy(one, 0, out, k * size, size);
        }
        return new IdxImages(indices.length, SIZE, SIZE, out);
    }

    /**
     * Returns the stream image {@code index} draws its zigzag from.
     *
     * @param seed the corruption's seed
     * @param index the image's index in its set
     * @return a fresh stream
     */
    static SplittableRandom streamOf(long seed, int index) {
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index);
    }
}
