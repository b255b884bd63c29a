package dev.debias.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

        JttConfig jtt = JttConfig.coloredMnist();
        assertEquals(ModelSelection.UNBIASED, jtt.training().modelSelection());
        assertEquals(10, jtt.identification().epochs());
        assertTrue(jtt.isBalancingUpweight());
        assertEquals(JttConfig.ErrorSet.DURING_LAST_PASS, jtt.errorSet());
    }
}
