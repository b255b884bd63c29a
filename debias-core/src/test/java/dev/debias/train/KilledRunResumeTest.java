package dev.debias.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A run killed at a step drawn at random (between two checkpoints, so the steps after the last one
 * are lost) and resumed ends bit-equal to the uninterrupted run: parameters, selection and the
 * whole history, for every method (LfF's two models and EMAs, JTT killed in either phase).
 */
class KilledRunResumeTest extends ToyRunTest {

    private static final Random KILL_STEPS = new Random(20261202);

    /** Makes the method's trainer for a checkpoint directory. */
    @FunctionalInterface
    private interface Method {
        DebiasTrainer create(TrainingConfig training);
    }

    private static TrainingConfig training(Path dir, boolean resume) {
        return BiasedToyData.training(40)
                .optEvaluateEvery(10)
                .optModelSelection(ModelSelection.WORST_GROUP)
                .optCheckpointDir(dir)
                .optResume(resume)
                .build();
    }

    static List<float[]> parameters(TrainedModel model) {
        List<float[]> values = new ArrayList<>();
        for (Pair<String, Parameter> p : model.model().getBlock().getParameters()) {
            values.add(p.getValue().getArray().toFloatArray());
        }
        return values;
    }

    /** Kills the run at the given training batch, resumes it, and compares with a full run. */
    private static void assertResumedEqualsUninterrupted(Method method, long killAtBatch, Path tmp) {
        List<float[]> full;
        TrainingResult fullResult;
        List<EvaluationRecord> fullHistory;
        try (DebiasTrainer trainer = method.create(training(tmp.resolve("full"), false))) {
            fullResult = trainer.fit(train, validation);
            full = parameters(trainer.reportedModel());
            fullHistory = trainer.history();
        }
        Path dir = tmp.resolve("killed");
        try (DebiasTrainer trainer = method.create(training(dir, false));
                KillingDataset killing = new KillingDataset(train, killAtBatch)) {
            assertThrows(KillingDataset.Killed.class, () -> trainer.fit(killing, validation));
        }
        try (DebiasTrainer trainer = method.create(training(dir, true))) {
            TrainingResult result = trainer.fit(train, validation);
            assertEquals(fullResult.steps(), result.steps());
            assertEquals(fullResult.selected(), result.selected());
            assertEquals(fullResult.history(), result.history());
            assertEquals(fullHistory, trainer.history());
            List<float[]> resumed = parameters(trainer.reportedModel());
            for (int i = 0; i < full.size(); i++) {
                assertArrayEquals(full.get(i), resumed.get(i), 0f, "parameter " + i + ", killed at batch " + killAtBatch);
            }
        }
    }

    /** A kill step that is not a checkpoint step, within (from, to). */
    private static long killStep(long from, long to) {
        long step;
        do {
            step = from + 1 + KILL_STEPS.nextInt((int) (to - from - 1));
        } while (step % 10 == 1);
        return step;
    }

    @Test
    void erm(@TempDir Path tmp) {
        assertResumedEqualsUninterrupted(
                t -> new ErmTrainer(ErmConfig.builder().setTraining(t).build(), BiasedToyData.mlp(), BiasedToyData.INPUT),
                killStep(10, 40),
                tmp);
    }

    @Test
    void groupDro(@TempDir Path tmp) {
        assertResumedEqualsUninterrupted(
                t -> new GroupDroTrainer(GroupDroConfig.builder().setTraining(t).build(), BiasedToyData.mlp(), BiasedToyData.INPUT),
                killStep(10, 40),
                tmp);
    }

    @Test
    void learningFromFailure(@TempDir Path tmp) {
        assertResumedEqualsUninterrupted(
                t -> new LfFTrainer(LfFConfig.builder().setTraining(t).build(), BiasedToyData.mlp(), BiasedToyData.INPUT),
                killStep(10, 40),
                tmp);
    }

    private static DebiasTrainer jtt(TrainingConfig t) {
        // 16 batches per epoch: identification is 32 steps, its last epoch (steps 17-32) records the error set.
        TrainingConfig identification =
                BiasedToyData.training(1).setEpochs(2).optEvaluateEvery(5).build();
        return new JttTrainer(
                JttConfig.builder().setIdentification(identification).setTraining(t).optUpweight(5).build(),
                BiasedToyData.mlp(),
                BiasedToyData.INPUT);
    }

    @Test
    void jttKilledWhileRecordingItsErrorSet(@TempDir Path tmp) {
        long step;
        do {
            step = 17 + KILL_STEPS.nextInt(15);
        } while (step % 5 == 1);
        assertResumedEqualsUninterrupted(KilledRunResumeTest::jtt, step, tmp);
    }

    @Test
    void jttKilledInItsFinalPhase(@TempDir Path tmp) {
        assertResumedEqualsUninterrupted(KilledRunResumeTest::jtt, 32 + killStep(10, 40), tmp);
    }

    @Test
    void jttResumedInItsFinalPhaseDoesNotTrainStageOneAgain(@TempDir Path tmp) {
        long[] uninterrupted;
        try (DebiasTrainer trainer = jtt(training(tmp.resolve("full"), false))) {
            trainer.fit(train, validation);
            uninterrupted = ((JttTrainer) trainer).errorSet();
        }
        Path dir = tmp.resolve("run");
        try (DebiasTrainer trainer = jtt(training(dir, false));
                KillingDataset killing = new KillingDataset(train, 32 + 25)) {
            assertThrows(KillingDataset.Killed.class, () -> trainer.fit(killing, validation));
        }
        try (DebiasTrainer trainer = jtt(training(dir, true));
                KillingDataset counting = new KillingDataset(train, Long.MAX_VALUE)) {
            assertEquals(40, trainer.fit(counting, validation).steps());
            // The final phase's last checkpoint is at its step 20: 20 batches remain, none of stage 1.
            assertEquals(20, counting.calls());
            assertArrayEquals(uninterrupted, ((JttTrainer) trainer).errorSet());
        }
    }
}
