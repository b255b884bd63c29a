package dev.debias.gan.cyclegan;

import java.util.SplittableRandom;

/**
 * CAMEL's stage-1 augmentation of MNIST images (ALGORITHMS.md §5.5, §15.2), applied before the
 * scaling to [-1, 1]: a rotation by an angle uniform in [-45°, 45°] about the image centre with
 * zero fill (no reshape), then a zero-pad of 4 and a random 28&times;28 crop at offsets 0..7 (a
 * shift of -4..+3 pixels) per axis.
 *
 * <p>Deviation: the rotation interpolates bilinearly; the reference uses a cubic spline. Works on
 * host pixels (the stage-1 data are a few hundred images), one draw of three numbers per image.
 */
public final class MnistAugmentation {

    /** The largest rotation, in degrees. */
    public static final double MAX_DEGREES = 45;

    /** The zero padding before the random crop. */
    public static final int CROP_PADDING = 4;

    private MnistAugmentation() {}

    /**
     * Augments one image.
     *
     * @param in {@code side x side} grey values, row-major
     * @param side the image side
     * @param random the stream; draws the angle, then the row and column offsets
     * @return the augmented image
     */
    public static float[] apply(float[] in, int side, SplittableRandom random) {
        double degrees = random.nextDouble(-MAX_DEGREES, MAX_DEGREES);
        int dr = random.nextInt(2 * CROP_PADDING) - CROP_PADDING;
        int dc = random.nextInt(2 * CROP_PADDING) - CROP_PADDING;
        return transform(in, side, Math.toRadians(degrees), dr, dc);
    }

    /**
     * Rotates an image by {@code radians} about its centre (bilinear, zero outside) and shifts it
     * by {@code (dr, dc)}: output pixel {@code (r, c)} is the rotated image at {@code (r + dr, c +
     * dc)}, zero outside.
     *
     * @param in the image
     * @param side its side
     * @param radians the counter-clockwise angle
     * @param dr the row offset of the crop
     * @param dc the column offset of the crop
     * @return the transformed image
     */
    static float[] transform(float[] in, int side, double radians, int dr, int dc) {
        float[] out = new float[side * side];
        double centre = (side - 1) / 2.0;
        double cos = Math.cos(radians);
        double sin = Math.sin(radians);
        for (int r = 0; r < side; r++) {
            for (int c = 0; c < side; c++) {
                double y = r + dr - centre;
                double x = c + dc - centre;
                // inverse rotation: where in the input this output pixel comes from
                double sx = cos * x - sin * y + centre;
                double sy = sin * x + cos * y + centre;
                out[r * side + c] = bilinear(in, side, sy, sx);
            }
        }
        return out;
    }

    private static float bilinear(float[] in, int side, double row, double col) {
        int r0 = (int) Math.floor(row);
        int c0 = (int) Math.floor(col);
        double fr = row - r0;
        double fc = col - c0;
        return (float) ((1 - fr) * ((1 - fc) * at(in, side, r0, c0) + fc * at(in, side, r0, c0 + 1))
                + fr * ((1 - fc) * at(in, side, r0 + 1, c0) + fc * at(in, side, r0 + 1, c0 + 1)));
    }

    private static double at(float[] in, int side, int r, int c) {
        return r < 0 || c < 0 || r >= side || c >= side ? 0 : in[r * side + c];
    }
}
