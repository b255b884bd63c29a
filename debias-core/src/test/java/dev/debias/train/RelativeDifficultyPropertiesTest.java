package dev.debias.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.FloatRange;
import net.jqwik.api.constraints.Size;

import java.util.List;

/** The relative difficulty W = l_B / (l_B + l_D + 1e-8) of LfF and DisEnt. */
class RelativeDifficultyPropertiesTest {

    @Property(tries = 200)
    void weightsLieInZeroOneAndGrowWithTheBiasedLoss(
            @ForAll @Size(min = 1, max = 16) List<@FloatRange(min = 0f, max = 1f) Float> biased,
            @ForAll @FloatRange(min = 0f, max = 1f) float debiased) {
        float[] b = new float[biased.size()];
        float[] d = new float[biased.size()];
        for (int i = 0; i < b.length; i++) {
            b[i] = biased.get(i);
            d[i] = debiased;
        }
        try (NDManager m = NDManager.newBaseManager()) {
            float[] w = RelativeDifficulty.weights(m.create(b), m.create(d)).toFloatArray();
            for (int i = 0; i < w.length; i++) {
                assertTrue(w[i] >= 0 && w[i] <= 1, "W = " + w[i]);
                double expected = b[i] / (b[i] + d[i] + 1e-8);
                assertEquals(expected, w[i], 1e-6);
                for (int j = 0; j < w.length; j++) {
                    if (b[i] < b[j]) {
                        assertTrue(w[i] <= w[j] + 1e-6f, "W must not fall as the biased loss grows");
                    }
                }
            }
        }
    }
}
