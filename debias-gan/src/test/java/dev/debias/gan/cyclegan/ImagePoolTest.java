package dev.debias.gan.cyclegan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImagePoolTest {

    /** Images of 1 x 1 x 2 whose two pixels both hold their id. */
    private static NDArray images(NDManager m, float... ids) {
        float[] v = new float[ids.length * 2];
        for (int i = 0; i < ids.length; i++) {
            v[2 * i] = ids[i];
            v[2 * i + 1] = ids[i];
        }
        return m.create(v, new Shape(ids.length, 1, 1, 2));
    }

    private static Set<Float> contents(ImagePool pool, NDManager m) {
        float[] v = pool.sample(pool.size(), new SplittableRandom(1), m).toFloatArray();
        Set<Float> ids = new HashSet<>();
        for (int i = 0; i < v.length; i += 2) {
            assertEquals(v[i], v[i + 1], "an image stays whole");
            ids.add(v[i]);
        }
        return ids;
    }

    @Test
    void fillsThenOverwritesDistinctRandomSlots() {
        try (NDManager m = NDManager.newBaseManager(); ImagePool pool = new ImagePool("t", 5, Device.cpu())) {
            SplittableRandom random = new SplittableRandom(3);
            pool.push(images(m, 1, 2, 3), random);
            assertEquals(3, pool.size());
            assertEquals(Set.of(1f, 2f, 3f), contents(pool, m));
            // two fill the pool, the third overwrites one random slot
            pool.push(images(m, 4, 5, 6), random);
            assertEquals(5, pool.size());
            Set<Float> after = contents(pool, m);
            assertEquals(5, after.size());
            assertTrue(after.containsAll(Set.of(4f, 5f, 6f)), after.toString());
            // a full batch overwrites as many distinct slots: all five replaced
            pool.push(images(m, 7, 8, 9, 10, 11), random);
            assertEquals(Set.of(7f, 8f, 9f, 10f, 11f), contents(pool, m));
        }
    }

    @Test
    void drawsWithoutReplacement() {
        try (NDManager m = NDManager.newBaseManager(); ImagePool pool = new ImagePool("t", 6, Device.cpu())) {
            pool.push(images(m, 1, 2, 3, 4, 5, 6), new SplittableRandom(0));
            for (long seed = 0; seed < 20; seed++) {
                float[] v = pool.sample(4, new SplittableRandom(seed), m).toFloatArray();
                Set<Float> ids = new HashSet<>();
                for (int i = 0; i < v.length; i += 2) {
                    ids.add(v[i]);
                }
                assertEquals(4, ids.size(), "seed " + seed);
            }
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> pool.sample(7, new SplittableRandom(0), m));
            assertTrue(e.getMessage().contains("holds 6 images"), e.getMessage());
        }
    }

    @Test
    void refusesABatchLargerThanThePool() {
        try (NDManager m = NDManager.newBaseManager(); ImagePool pool = new ImagePool("t", 2, Device.cpu())) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> pool.push(images(m, 1, 2, 3), new SplittableRandom(0)));
            assertTrue(e.getMessage().contains("at least the batch size"), e.getMessage());
        }
    }

    @Test
    void holdsOneArrayAndRoundTripsThroughACheckpoint(@TempDir Path tmp) throws Exception {
        try (NDManager m = NDManager.newBaseManager();
                ImagePool pool = new ImagePool("t", 4, Device.cpu());
                ImagePool restored = new ImagePool("t", 4, Device.cpu())) {
            for (int i = 0; i < 30; i++) {
                try (NDManager step = m.newSubManager()) {
                    pool.push(images(step, i, i + 100), new SplittableRandom(i));
                }
            }
            pool.saveCheckpoint(tmp);
            restored.loadCheckpoint(tmp);
            assertEquals(pool.size(), restored.size());
            assertEquals(
                    pool.sample(4, new SplittableRandom(9), m).toFloatArray().length,
                    restored.sample(4, new SplittableRandom(9), m).toFloatArray().length);
            float[] a = pool.sample(4, new SplittableRandom(9), m).toFloatArray();
            float[] b = restored.sample(4, new SplittableRandom(9), m).toFloatArray();
            org.junit.jupiter.api.Assertions.assertArrayEquals(a, b, 0f);
        }
    }
}
