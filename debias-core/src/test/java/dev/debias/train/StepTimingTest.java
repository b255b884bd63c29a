package dev.debias.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debias.data.GroupedDataset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The phase timing a run reports: the loop holds its parts, validations and checkpoints are
 * counted where they happen, and a resumed phase carries the time of the process before it.
 * Only relations between times are asserted, never a duration.
 */
class StepTimingTest extends ToyRunTest {

    private static StepTiming run(long steps, Path dir, boolean resume) {
        return run(train, steps, dir, resume);
    }

    private static StepTiming run(GroupedDataset data, long steps, Path dir, boolean resume) {
        TrainingConfig.Builder b = BiasedToyData.training(steps).optEvaluateEvery(10);
        if (dir != null) {
            b.optCheckpointDir(dir).optResume(resume);
        }
        try (ErmTrainer trainer =
                new ErmTrainer(ErmConfig.builder().setTraining(b.build()).build(), BiasedToyData.mlp(), BiasedToyData.INPUT)) {
            StepTiming phase = trainer.fit(data, validation).timing();
            assertEquals(phase, trainer.timing(), "one phase: the run's timing is the phase's");
            return phase;
        }
    }

    @Test
    void theLoopHoldsItsStepsValidationsAndCheckpoints(@TempDir Path dir) {
        StepTiming t = run(40, dir, false);
        assertEquals(4, t.warmupSteps());
        assertEquals(36, t.measuredSteps());
        assertTrue(t.validationNanos() > 0, "four validations ran");
        assertTrue(t.checkpointNanos() > 0, "four checkpoints were written");
        assertTrue(
                t.loopNanos() >= t.measuredNanos() + t.validationNanos() + t.checkpointNanos(),
                "the loop's time contains its measured steps, validations and checkpoints: " + t);
    }

    @Test
    void withoutACheckpointFolderNoCheckpointTimeIsCounted() {
        StepTiming t = run(20, null, false);
        assertEquals(0, t.checkpointNanos());
        assertTrue(t.validationNanos() > 0 && t.loopNanos() >= t.measuredNanos() + t.validationNanos(), t.toString());
    }

    @Test
    void aResumedPhaseAddsTheTimeSavedWithItsLastCheckpoint(@TempDir Path dir) throws Exception {
        // Killed at the 25th batch: the last checkpoint is the one of step 20.
        KillingDataset killing = new KillingDataset(train, 25);
        assertThrows(KillingDataset.Killed.class, () -> run(killing, 40, dir, false));
        PhaseState saved = PhaseState.read(dir.resolve("train").resolve("last"), train.groupSpec());
        assertEquals(20, saved.step);
        assertTrue(saved.loopNanos > 0 && saved.validationNanos > 0 && saved.checkpointNanos > 0, saved.timing().toString());
        StepTiming resumed = run(40, dir, true);
        assertEquals(36, resumed.measuredSteps(), "the steps measured before the interruption count too");
        assertTrue(resumed.loopNanos() > saved.loopNanos, resumed + " vs saved " + saved.timing());
        assertTrue(resumed.validationNanos() > saved.validationNanos, resumed + " vs saved " + saved.timing());
        assertTrue(resumed.checkpointNanos() > saved.checkpointNanos, resumed + " vs saved " + saved.timing());
    }

    @Test
    void aLoopStateOfTheEarlierVersionIsReadWithoutLoopTimes(@TempDir Path dir) throws Exception {
        run(20, dir, false);
        Path last = dir.resolve("train").resolve("last");
        PhaseState current = PhaseState.read(last, train.groupSpec());
        byte[] bytes = Files.readAllBytes(last.resolve(PhaseState.FILE));
        // Version 5 ended after the measured nanoseconds: drop the three loop times, mark it 5.
        byte[] older = Arrays.copyOf(bytes, bytes.length - 3 * Long.BYTES);
        ByteBuffer.wrap(older).putInt(0, 5);
        Path olderDir = Files.createDirectories(dir.resolve("older"));
        Files.write(olderDir.resolve(PhaseState.FILE), older);
        PhaseState read = PhaseState.read(olderDir, train.groupSpec());
        assertEquals(current.step, read.step);
        assertEquals(current.measuredNanos, read.measuredNanos);
        assertEquals(current.history, read.history);
        assertEquals(0, read.loopNanos);
        assertEquals(0, read.validationNanos);
        assertEquals(0, read.checkpointNanos);
    }

    @Test
    void phasesAddUp() {
        StepTiming a = new StepTiming(1, 2, 3, 4, 5, 6);
        StepTiming b = new StepTiming(10, 20, 30, 40, 50, 60);
        assertEquals(new StepTiming(11, 22, 33, 44, 55, 66), a.plus(b));
        assertEquals(a, StepTiming.NONE.plus(a));
        assertEquals(1.5e-6, a.millisPerStep(), 1e-12);
    }
}
