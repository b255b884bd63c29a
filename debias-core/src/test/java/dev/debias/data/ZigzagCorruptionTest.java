package dev.debias.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class ZigzagCorruptionTest {

    private static final int N = ZigzagCorruption.SIZE;

    private static int pixel(byte[] image, int row, int col) {
        return image[row * N + col] & 0xff;
    }

    @Test
    void horizontalZigzagHasTheReferencePoints() {
        // k = 0: theta 0, length 23, six corners every 4 pixels, the last point (23, -2 / (2 * 3))
        double[][] p = ZigzagCorruption.points(10, 0);
        assertArrayEquals(new double[] {2, 4, 8, 12, 16, 20, 24, 25}, p[0], 1e-12);
        assertArrayEquals(new double[] {10, 12, 8, 12, 8, 12, 8, 10 - 1.0 / 3}, p[1], 1e-12);
    }

    @Test
    void slopedZigzagIsRotatedAboutItsStart() {
        double[][] p = ZigzagCorruption.points(5, 4);
        double theta = Math.atan(4.0 / 23);
        // the third point: along 6, perp -2
        assertEquals(6 * Math.cos(theta) + 2 * Math.sin(theta) + 2, p[0][2], 1e-12);
        assertEquals(6 * Math.sin(theta) - 2 * Math.cos(theta) + 5, p[1][2], 1e-12);
        // the centre line ends at column 25, row 9: the last point lies on it
        double length = 23 / Math.cos(theta);
        double lastPerp = -2 / (2 * (length - 20));
        assertEquals(length * Math.cos(theta) - lastPerp * Math.sin(theta) + 2, p[0][7], 1e-12);
    }

    @Test
    void firstSegmentDrawsTheLogProfile() {
        byte[] black = new byte[N * N];
        byte[] out = ZigzagCorruption.draw(black, 0, 10, 0);
        // segment (2, 10) -> (4, 12): at column 2 the line is at row 10, at column 3 at row 11
        assertEquals(255, pixel(out, 10, 2));
        long oneAway = Math.round((Math.log(1 - 1 / 2.3) + 1) * 255);
        assertEquals(oneAway, pixel(out, 11, 2));
        assertEquals(oneAway, pixel(out, 9, 2));
        assertEquals(0, pixel(out, 12, 2));
        assertEquals(255, pixel(out, 11, 3));
        // columns 0, 1 and 26, 27 are never drawn
        for (int row = 0; row < N; row++) {
            assertEquals(0, pixel(out, row, 0));
            assertEquals(0, pixel(out, row, 1));
            assertEquals(0, pixel(out, row, 26));
            assertEquals(0, pixel(out, row, 27));
        }
    }

    @Test
    void corruptionAddsAndClipsOverTheDigit() {
        byte[] grey = new byte[N * N];
        java.util.Arrays.fill(grey, (byte) 100);
        byte[] out = ZigzagCorruption.draw(grey, 0, 10, 0);
        assertEquals(255, pixel(out, 10, 2));
        long expected = Math.round(Math.min(1, 100 / 255.0 + Math.log(1 - 1 / 2.3) + 1) * 255);
        assertEquals(expected, pixel(out, 11, 2));
        assertEquals(100, pixel(out, 20, 2));
    }

    @Property(tries = 200)
    void neverDarkensAnImage(@ForAll long seed, @ForAll @IntRange(min = 0, max = 255) int level) {
        byte[] grey = new byte[N * N];
        java.util.Arrays.fill(grey, (byte) level);
        byte[] out = ZigzagCorruption.corrupt(grey, 0, new SplittableRandom(seed));
        int brighter = 0;
        for (int p = 0; p < out.length; p++) {
            assertTrue((out[p] & 0xff) >= level, "pixel " + p);
            brighter += (out[p] & 0xff) > level ? 1 : 0;
        }
        assertTrue(level == 255 || brighter >= 1, "the zigzag starts inside the image, at column 2 of a row in 0..26");
    }

    @Test
    void anImageDrawsFromItsOwnStream() {
        byte[] pixels = new byte[3 * N * N];
        IdxImages images = new IdxImages(3, N, N, pixels);
        IdxImages all = ZigzagCorruption.corrupt(images, new int[] {0, 1, 2}, 7);
        IdxImages last = ZigzagCorruption.corrupt(images, new int[] {2}, 7);
        byte[] third = java.util.Arrays.copyOfRange(all.pixels(), 2 * N * N, 3 * N * N);
        assertArrayEquals(last.pixels(), third);
        assertFalse(java.util.Arrays.equals(
                java.util.Arrays.copyOfRange(all.pixels(), 0, N * N), third), "images 0 and 2 differ");
        IdxImages otherSeed = ZigzagCorruption.corrupt(images, new int[] {2}, 8);
        assertFalse(java.util.Arrays.equals(last.pixels(), otherSeed.pixels()));
    }

    @Test
    void refusesImagesOfAnotherSize() {
        IdxImages small = new IdxImages(1, 27, 28, new byte[27 * 28]);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ZigzagCorruption.corrupt(small, new int[] {0}, 0));
        assertTrue(e.getMessage().contains("27 x 28"), e.getMessage());
        IdxImages one = new IdxImages(1, N, N, new byte[N * N]);
        assertThrows(IllegalArgumentException.class, () -> ZigzagCorruption.corrupt(one, new int[] {1}, 0));
    }
}
