package dev.debias.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * {@link PerSampleEma} against the definition computed in plain Java, by sample index, with the
 * class maximum taken over the whole training set as the reference code does ({@code max(mask · e)},
 * whose zeros of the other classes take part): on imbalanced random labels, random batches of
 * distinct indices and non-negative losses, and through a checkpoint written and read back
 * half-way.
 */
class PerSampleEmaPropertiesTest {

    @Property(tries = 60)
    void matchesTheDefinitionOverManyStepsAndThroughACheckpoint(
            @ForAll @IntRange(min = 1, max = 5) int numClasses,
            @ForAll @IntRange(min = 1, max = 40) int size,
            @ForAll @LongRange(min = 0, max = 1_000_000) long seed)
            throws Exception {
        Random random = new Random(seed);
        int[] labels = new int[size];
        for (int i = 0; i < size; i++) {
            // Skewed towards class 0 so that the rows have different lengths.
            labels[i] = random.nextInt(3) == 0 ? 0 : random.nextInt(numClasses);
        }
        float alpha = 0.7f;
        float[] expectedEma = new float[size];
        boolean[] expectedSeen = new boolean[size];
        Path dir = Files.createTempDirectory("ema-property");
        PerSampleEma ema = new PerSampleEma("p", labels, numClasses, alpha, Device.cpu());
        try (NDManager m = NDManager.newBaseManager()) {
            for (int step = 0; step < 12; step++) {
                if (step == 6) {
                    ema.saveCheckpoint(dir);
                    ema.close();
                    ema = new PerSampleEma("p", labels, numClasses, alpha, Device.cpu());
                    ema.loadCheckpoint(dir);
                }
                int batch = 1 + random.nextInt(size);
                long[] indices = random.ints(0, size).distinct().limit(batch).asLongStream().toArray();
                float[] losses = new float[indices.length];
                long[] y = new long[indices.length];
                for (int k = 0; k < indices.length; k++) {
                    losses[k] = random.nextFloat() * 3f;
                    y[k] = labels[(int) indices[k]];
                }
                float[] got;
                try (NDManager stepManager = m.newSubManager()) {
                    got = ema.updateAndNormalize(stepManager.create(losses), stepManager.create(indices), stepManager.create(y))
                            .toFloatArray();
                }
                float[] expected = new float[indices.length];
                for (int k = 0; k < indices.length; k++) {
                    int i = (int) indices[k];
                    expectedEma[i] = expectedSeen[i] ? alpha * expectedEma[i] + (1 - alpha) * losses[k] : losses[k];
                    expectedSeen[i] = true;
                }
                for (int k = 0; k < indices.length; k++) {
                    float classMax = 0f;
                    for (int j = 0; j < size; j++) {
                        if (labels[j] == y[k]) {
                            classMax = Math.max(classMax, expectedEma[j]);
                        }
                    }
                    expected[k] = expectedEma[(int) indices[k]] / Math.max(classMax, 1e-8f);
                }
                assertArrayEquals(expected, got, 1e-5f, "step " + step);
                assertArrayEquals(expectedEma, ema.values(), 1e-5f, "averages after step " + step);
            }
        } finally {
            ema.close();
            dev.debias.io.AtomicFiles.deleteRecursively(dir);
        }
    }
}
