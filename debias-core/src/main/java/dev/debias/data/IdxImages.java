package dev.debias.data;

/**
 * A set of single-channel uint8 images as stored in an IDX file: {@code count} images of {@code
 * rows x cols} pixels, row-major, one image after another.
 */
public final class IdxImages {

    private final int count;
    private final int rows;
    private final int cols;
    private final byte[] pixels;

    /**
     * Wraps pixels (not copied) as an image set.
     *
     * @param count the number of images
     * @param rows the height of every image
     * @param cols the width of every image
     * @param pixels {@code count * rows * cols} uint8 values
     * @throws IllegalArgumentException if a dimension is negative or the pixel count disagrees
     */
    public IdxImages(int count, int rows, int cols, byte[] pixels) {
        if (count < 0 || rows < 0 || cols < 0) {
            throw new IllegalArgumentException(
                    "negative image dimensions " + count + " x " + rows + " x " + cols);
        }
        long expected = (long) count * rows * cols;
        if (pixels.length != expected) {
            throw new IllegalArgumentException(
                    count
                            + " images of "
                            + rows
                            + " x "
                            + cols
                            + " need "
                            + expected
                            + " pixels, got "
                            + pixels.length);
        }
        this.count = count;
        this.rows = rows;
        this.cols = cols;
        this.pixels = pixels;
    }

    /**
     * Returns the number of images.
     *
     * @return the count
     */
    public int count() {
        return count;
    }

    /**
     * Returns the height of every image.
     *
     * @return the number of rows
     */
    public int rows() {
        return rows;
    }

    /**
     * Returns the width of every image.
     *
     * @return the number of columns
     */
    public int cols() {
        return cols;
    }

    /**
     * Returns the number of pixels of one image, {@code rows * cols}.
     *
     * @return the pixels per image
     */
    public int pixelsPerImage() {
        return rows * cols;
    }

    /**
     * Returns the pixels of all images.
     *
     * @return the pixels (not a copy; do not modify)
     */
    public byte[] pixels() {
        return pixels;
    }

    /**
     * Returns the images at the given positions, in that order.
     *
     * @param indices positions in this set
     * @return a new image set holding copies of the selected images
     * @throws IndexOutOfBoundsException if an index is out of range
     */
    public IdxImages select(int[] indices) {
        int size = pixelsPerImage();
        byte[] out = new byte[Math.multiplyExact(indices.length, size)];
        for (int k = 0; k < indices.length; k++) {
            int i = indices[k];
            if (i < 0 || i >= count) {
                throw new IndexOutOfBoundsException("image index " + i + " outside [0, " + count + ")");
            }
            System.arraycopy(pixels, i * size, out, k * size, size);
        }
        return new IdxImages(indices.length, rows, cols, out);
    }
}
