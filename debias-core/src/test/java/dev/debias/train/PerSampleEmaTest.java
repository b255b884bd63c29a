package dev.debias.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import org.junit.jupiter.api.Test;

class PerSampleEmaTest {

    // Four samples: classes 0, 0, 1, 1.
    private static final int[] LABELS = {0, 0, 1, 1};

    @Test
    void firstVisitCopiesTheLossThenAveragesAndNormalisesPerClass() {
        try (PerSampleEma ema = new PerSampleEma("b", LABELS, 2, 0.7f, Device.cpu());
                NDManager m = NDManager.newBaseManager()) {
            // Step 1 visits samples 0 and 2: ema = [2, 0, 4, 0] (first visit copies the loss).
            NDArray w1 = ema.updateAndNormalize(m.create(new float[] {2f, 4f}), m.create(new long[] {0, 2}), m.create(new long[] {0, 1}));
            assertArrayEquals(new float[] {2f, 0f, 4f, 0f}, ema.values(), 1e-6f);
            // Class maxima 2 and 4: both normalised values are 1.
            assertArrayEquals(new float[] {1f, 1f}, w1.toFloatArray(), 1e-6f);
            // Step 2 visits 0 and 1: ema0 = 0.7*2 + 0.3*1 = 1.7; ema1 = 3 (first visit).
            NDArray w2 = ema.updateAndNormalize(m.create(new float[] {1f, 3f}), m.create(new long[] {0, 1}), m.create(new long[] {0, 0}));
            assertArrayEquals(new float[] {1.7f, 3f, 4f, 0f}, ema.values(), 1e-6f);
            // Class-0 max is now 3: 1.7 / 3 and 3 / 3.
            assertArrayEquals(new float[] {1.7f / 3f, 1f}, w2.toFloatArray(), 1e-6f);
        }
    }

    @Test
    void relativeDifficultyIsTheBiasedShare() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = RelativeDifficulty.weights(m.create(new float[] {1f, 0f, 3f}), m.create(new float[] {1f, 2f, 1f}));
            assertArrayEquals(new float[] {0.5f, 0f, 0.75f}, w.toFloatArray(), 1e-6f);
        }
    }

    @Test
    void updatesDoNotAccumulateArraysOnTheStateManager() {
        try (PerSampleEma ema = new PerSampleEma("b", LABELS, 2, 0.7f, Device.cpu())) {
            int before = ema.heldArrays();
            for (int step = 0; step < 50; step++) {
                try (NDManager batch = NDManager.newBaseManager()) {
                    ema.updateAndNormalize(
                            batch.create(new float[] {1f, 2f}), batch.create(new long[] {1, 3}), batch.create(new long[] {0, 1}));
                }
            }
            assertEquals(before, ema.heldArrays());
        }
    }

    @Test
    void rejectsLabelsOutsideTheClasses() {
        org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> new PerSampleEma("b", new int[] {0, 2}, 2, 0.7f, Device.cpu()));
    }
}
