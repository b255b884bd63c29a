package dev.debias.gan.cyclegan;

import java.util.SplittableRandom;

/**
 * CAMEL's stage-1 augmentation of RGB images (ALGORITHMS.md §5.5), applied before the scaling to
 * [-1, 1]: a horizontal flip with probability 0.5, then a crop of 0-10 % of the side from each of
 * the four sides (drawn independently) resized back to the original size (imgaug's {@code
 * Crop(percent=(0, 0.1), keep_size=True)}), bilinearly.
 */
final class FlipCropAugmentation {

    private static final double MAX_CROP = 0.1;

    private FlipCropAugmentation() {}

    /**
     * Augments one CHW image.
     *
     * @param in {@code channels x side x side} values
     * @param channels the channels
     * @param side the side
     * @param random the stream: the flip, then top, right, bottom and left crops
     * @return the augmented image
     */
    static float[] apply(float[] in, int channels, int side, SplittableRandom random) {
        boolean flip = random.nextDouble() < 0.5;
        int top = crop(side, random);
        int right = crop(side, random);
        int bottom = crop(side, random);
        int left = crop(side, random);
        double rows = side - top - bottom;
        double cols = side - left - right;
        float[] out = new float[in.length];
        int plane = side * side;
        for (int c = 0; c < channels; c++) {
            for (int r = 0; r < side; r++) {
                double sr = top + (r + 0.5) * rows / side - 0.5;
                for (int col = 0; col < side; col++) {
                    double sc = left + (col + 0.5) * cols / side - 0.5;
                    int target = flip ? side - 1 - col : col;
                    out[c * plane + r * side + target] = sample(in, c * plane, side, sr, sc);
                }
            }
        }
        return out;
    }

    private static int crop(int side, SplittableRandom random) {
        return (int) Math.round(random.nextDouble(0, MAX_CROP) * side);
    }

    private static float sample(float[] in, int offset, int side, double row, double col) {
        double r = Math.max(0, Math.min(side - 1, row));
        double c = Math.max(0, Math.min(side - 1, col));
        int r0 = (int) Math.floor(r);
        int c0 = (int) Math.floor(c);
        int r1 = Math.min(side - 1, r0 + 1);
        int c1 = Math.min(side - 1, c0 + 1);
        double fr = r - r0;
        double fc = c - c0;
        return (float) ((1 - fr) * ((1 - fc) * in[offset + r0 * side + c0] + fc * in[offset + r0 * side + c1])
                + fr * ((1 - fc) * in[offset + r1 * side + c0] + fc * in[offset + r1 * side + c1]));
    }
}
