package dev.debias.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The Colored MNIST presets hold the settings their Javadoc and docs/methods promise. */
class PresetsTest {

    @Test
    void coloredMnistSharedSettingsAreLfFs() {
        TrainingConfig c = Presets.coloredMnist().build();
        assertEquals(23_500, c.iterations());
        assertEquals(256, c.batchSize());
        assertEquals(235, c.evaluateEvery());
        assertEquals(OptimizerConfig.Algorithm.ADAM, c.optimizer().algorithm());
        assertEquals(1e-3f, c.optimizer().learningRate());
        assertEquals(0f, c.optimizer().weightDecay());
        assertEquals(ModelSelection.LAST, c.modelSelection());
    }

    @Test
    void groupDroAndJttSelectOnUnbiasedValidationAccuracy() {
        GroupDroConfig gdro = GroupDroConfig.coloredMnist();
        assertEquals(ModelSelection.UNBIASED, gdro.training().modelSelection());
        assertTrue(gdro.groupBalanced());
        assertEquals(0.01, gdro.stepSize());

        for (double percent : new double[] {0.5, 1, 2, 5}) {
            JttConfig jtt = JttConfig.coloredMnist(percent);
            assertEquals(ModelSelection.UNBIASED, jtt.training().modelSelection());
            assertEquals(JttConfig.ErrorSet.DURING_LAST_PASS, jtt.errorSet());
            boolean few = percent < 1.5;
            assertEquals(few ? 10 : 2, jtt.identification().epochs(), "T + 1 at " + percent + " %");
            assertEquals(few, jtt.isBalancingUpweight(), "balancing at " + percent + " %");
            if (!few) {
                assertEquals(50, jtt.upweight());
            }
        }
        assertThrows(IllegalArgumentException.class, () -> JttConfig.coloredMnist(0));
    }
}
