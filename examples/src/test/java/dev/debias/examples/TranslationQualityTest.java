package dev.debias.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

/** The collapse checks of {@link TranslationQuality}, against hand-computed values. */
class TranslationQualityTest {

    private static final int PLANE = 28 * 28;

    @Test
    void identityCountsTranslationsNearestTheirOwnSource() {
        // 1-d images: t0 = 1 is nearest s0 = 0, t1 = 14 nearest s1 = 10 (4 < 6), t2 = 9 nearest s1, not s2
        assertEquals(2.0 / 3, TranslationQuality.identityShare(new float[] {0, 10, 20}, new float[] {1, 14, 9}, 3), 1e-12);
    }

    @Test
    void aTieWithAnotherSourceIsAMiss() {
        // t0 = 1 is as near s1 = 2 as its own s0 = 0; t1 = 5 is nearest its own s1
        assertEquals(0.5, TranslationQuality.identityShare(new float[] {0, 2}, new float[] {1, 5}, 2), 1e-12);
    }

    @Test
    void aCollapsedGeneratorScoresChanceAndAFaithfulOneScoresOne() {
        int n = 50;
        Random random = new Random(3);
        float[] sources = new float[n * PLANE];
        for (int i = 0; i < sources.length; i++) {
            sources[i] = random.nextFloat();
        }
        float[] collapsed = new float[n * PLANE];
        for (int i = 0; i < n; i++) {
            System.arraycopy(sources, 7 * PLANE, collapsed, i * PLANE, PLANE);
        }
        assertEquals(1.0, TranslationQuality.identityShare(sources, sources.clone(), n), 1e-12);
        assertEquals(1.0 / n, TranslationQuality.identityShare(sources, collapsed, n), 1e-12);
        assertTrue(Double.isNaN(TranslationQuality.identityShare(new float[0], new float[0], 0)));
    }

    @Test
    void greyIsTheLargestChannelOverTheImagesLargestValue() {
        byte[] rgb = new byte[2 * 3 * PLANE];
        rgb[0] = (byte) 100; // image 0, red, pixel 0
        rgb[PLANE + 1] = (byte) 200; // image 0, green, pixel 1
        rgb[2 * PLANE + 1] = (byte) 50; // image 0, blue, pixel 1 (below green)
        float[] grey = TranslationQuality.grey(rgb, 2);
        assertEquals(0.5f, grey[0], 1e-6f);
        assertEquals(1f, grey[1], 1e-6f);
        assertEquals(0f, grey[2], 0f);
        assertArrayEquals(new float[PLANE], java.util.Arrays.copyOfRange(grey, PLANE, 2 * PLANE), "a black image stays black");
    }

    @Test
    void cycleErrorIsTheMeanAbsoluteDifferenceOnAUnitScale() {
        byte[] sources = new byte[3 * PLANE];
        byte[] back = new byte[3 * PLANE];
        sources[0] = (byte) 255;
        back[5] = (byte) 51;
        assertEquals((255 + 51) / 255.0 / (3 * PLANE), TranslationQuality.cycleError(sources, back, 1), 1e-12);
    }

    @Test
    void zigzaggedDrawsTheZigzagOnExactlyTheImagesWhoseCoinIsOne() {
        byte[] pixels = new byte[3 * PLANE];
        for (int p = 0; p < pixels.length; p++) {
            pixels[p] = (byte) (p % 7);
        }
        byte[] before = pixels.clone();
        dev.debias.data.IdxImages images = new dev.debias.data.IdxImages(3, 28, 28, pixels);
        dev.debias.data.IdxImages mixed = TranslationQuality.zigzagged(images, new int[] {0, 1, 0}, 11);
        byte[] out = mixed.pixels();
        assertArrayEquals(java.util.Arrays.copyOfRange(pixels, 0, PLANE), java.util.Arrays.copyOfRange(out, 0, PLANE));
        assertArrayEquals(java.util.Arrays.copyOfRange(pixels, 2 * PLANE, 3 * PLANE), java.util.Arrays.copyOfRange(out, 2 * PLANE, 3 * PLANE));
        byte[] expected = dev.debias.data.ZigzagCorruption.corrupt(images, new int[] {1}, 11).pixels();
        assertArrayEquals(expected, java.util.Arrays.copyOfRange(out, PLANE, 2 * PLANE));
        assertTrue(!java.util.Arrays.equals(expected, java.util.Arrays.copyOfRange(pixels, PLANE, 2 * PLANE)), "the zigzag changed the image");
        assertArrayEquals(before, images.pixels(), "the input is left as it was");
    }
}
