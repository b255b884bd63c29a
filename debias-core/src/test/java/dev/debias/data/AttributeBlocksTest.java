package dev.debias.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

import org.junit.jupiter.api.Test;

class AttributeBlocksTest {

    /** Samples per digit in the MNIST training and test files (the well-known class sizes). */
    static final int[] MNIST_TRAIN_CLASS_COUNTS = {
        5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949
    };

    static final int[] MNIST_TEST_CLASS_COUNTS = {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009};

    @Test
    void smallClassByHand() {
        // n = 10, rho = 0.6, A = 3, aligned 1: shares 0.2, 0.6, 0.2 -> cumulative 0.2, 0.8, 1.0
        // -> milestones rint(2), rint(8), rint(10) -> sizes 2, 6, 2.
        assertArrayEquals(new int[] {2, 6, 2}, AttributeBlocks.blockSizes(10, 1, 3, 0.6));
        // Samples of class 1 in order get 0,0,1,1,1,1,1,1,2,2; class 0 (n = 1, rho = 0.6):
        // cumulative 0.6 -> rint(0.6) = 1, so its only sample gets colour 0.
        int[] labels = {1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1};
        assertArrayEquals(
                new int[] {0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 2}, AttributeBlocks.assign(labels, 3, 0.6));
    }

    @Test
    void roundsHalfToEven() {
        // n = 5, A = 2, rho = 0.5, aligned 1: cumulative 0.5 -> 2.5 -> rint 2 (Math.round: 3).
        assertArrayEquals(new int[] {2, 3}, AttributeBlocks.blockSizes(5, 1, 2, 0.5));
        // n = 7: 3.5 -> 4 (half to even).
        assertArrayEquals(new int[] {4, 3}, AttributeBlocks.blockSizes(7, 1, 2, 0.5));
    }

    @Test
    void classZeroBlocksOfSection15O1() {
        int n = MNIST_TRAIN_CLASS_COUNTS[0];
        assertArrayEquals(
                new int[] {5627, 33, 33, 33, 32, 33, 33, 33, 33, 33},
                AttributeBlocks.blockSizes(n, 0, 10, 1 - 0.05));
        assertArrayEquals(
                new int[] {5805, 13, 13, 13, 13, 13, 14, 13, 13, 13},
                AttributeBlocks.blockSizes(n, 0, 10, 1 - 0.02));
        assertArrayEquals(
                new int[] {5864, 6, 7, 7, 6, 7, 6, 7, 6, 7},
                AttributeBlocks.blockSizes(n, 0, 10, 1 - 0.01));
        assertArrayEquals(
                new int[] {5893, 4, 3, 3, 4, 3, 3, 3, 4, 3},
                AttributeBlocks.blockSizes(n, 0, 10, 1 - 0.005));
    }

    @Test
    void testBlocksOfSection15O1() {
        assertArrayEquals(
                new int[] {114, 113, 114, 113, 114, 113, 113, 114, 113, 114},
                AttributeBlocks.blockSizes(MNIST_TEST_CLASS_COUNTS[1], 1, 10, 0.1));
        assertArrayEquals(
                new int[] {101, 101, 101, 101, 100, 101, 101, 101, 101, 101},
                AttributeBlocks.blockSizes(MNIST_TEST_CLASS_COUNTS[9], 9, 10, 0.1));
    }

    @Test
    void conflictingTotalsOfSection15O1() {
        double[] percents = {5, 2, 1, 0.5};
        int[] totals = {3000, 1199, 598, 300};
        for (int k = 0; k < percents.length; k++) {
            int conflicting = 0;
            for (int c = 0; c < 10; c++) {
                int[] sizes =
                        AttributeBlocks.blockSizes(
                                MNIST_TRAIN_CLASS_COUNTS[c], c, 10, 1 - percents[k] / 100);
                conflicting += MNIST_TRAIN_CLASS_COUNTS[c] - sizes[c];
            }
            assertEquals(totals[k], conflicting, "conflicting total at " + percents[k] + " %");
        }
    }

    @Test
    void rejectsLabelOutsideTheAttributes() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> AttributeBlocks.assign(new int[] {0, 3}, 3, 0.9));
        assertTrue(e.getMessage().contains("sample 1"), e.getMessage());
    }

    @Property
    void blocksSumToTheClassAndStayWithinOneOfTheirShare(
            @ForAll @IntRange(min = 0, max = 100_000) int count,
            @ForAll @IntRange(min = 2, max = 12) int numAttributes,
            @ForAll @DoubleRange(min = 0, max = 1) double share,
            @ForAll @IntRange(min = 0, max = 11) int alignedSeed) {
        int aligned = alignedSeed % numAttributes;
        int[] sizes = AttributeBlocks.blockSizes(count, aligned, numAttributes, share);
        int sum = 0;
        for (int j = 0; j < numAttributes; j++) {
            double exact =
                    count * (j == aligned ? share : (1 - share) / (numAttributes - 1));
            assertTrue(sizes[j] >= 0 && Math.abs(sizes[j] - exact) <= 1.0 + 1e-9,
                    "block " + j + " = " + sizes[j] + ", exact share " + exact);
            sum += sizes[j];
        }
        assertEquals(count, sum);
    }

    @Property(tries = 200)
    void assignmentWalksConsecutiveBlocks(
            @ForAll @IntRange(min = 1, max = 300) int n,
            @ForAll @DoubleRange(min = 0, max = 1) double share,
            @ForAll long seed) {
        java.util.Random random = new java.util.Random(seed);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = random.nextInt(4);
        }
        int[] attributes = AttributeBlocks.assign(labels, 4, share);
        for (int c = 0; c < 4; c++) {
            int count = 0;
            for (int y : labels) {
                count += y == c ? 1 : 0;
            }
            int[] sizes = AttributeBlocks.blockSizes(count, c, 4, share);
            int k = 0;
            for (int i = 0; i < n; i++) {
                if (labels[i] != c) {
                    continue;
                }
                int expected = 0;
                int boundary = sizes[0];
                while (k >= boundary) {
                    expected++;
                    boundary += sizes[expected];
                }
                assertEquals(expected, attributes[i], "sample " + i + " of class " + c);
                k++;
            }
        }
    }
}
