package dev.debias.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debias.io.CheckpointDirectories;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A run whose {@link StopRequest} is made during a step finishes that step, writes its {@code last}
 * checkpoint there (between two evaluations) and throws {@link TrainingStoppedException}; resumed,
 * it ends bit-equal to the uninterrupted run.
 */
class StopRequestTest extends ToyRunTest {

    private static TrainingConfig.Builder training(Path dir, boolean resume) {
        return BiasedToyData.training(40)
                .optEvaluateEvery(10)
                .optModelSelection(ModelSelection.WORST_GROUP)
                .optCheckpointDir(dir)
                .optResume(resume);
    }

    private static ErmTrainer erm(TrainingConfig training) {
        return new ErmTrainer(ErmConfig.builder().setTraining(training).build(), BiasedToyData.mlp(), BiasedToyData.INPUT);
    }

    @Test
    void stopsAfterTheStepOfTheRequestWithACheckpointThereAndResumesBitEqual(@TempDir Path tmp) throws IOException {
        List<float[]> full;
        TrainingResult fullResult;
        try (ErmTrainer trainer = erm(training(tmp.resolve("full"), false).build())) {
            fullResult = trainer.fit(train, validation);
            full = KilledRunResumeTest.parameters(trainer.reportedModel());
        }
        Path dir = tmp.resolve("stopped");
        StopRequest stop = new StopRequest();
        TrainingStoppedException e;
        try (ErmTrainer trainer = erm(training(dir, false).optStopRequest(stop).build());
                KillingDataset requesting = KillingDataset.requestingStop(train, 23, stop)) {
            e = assertThrows(TrainingStoppedException.class, () -> trainer.fit(requesting, validation));
            assertEquals(23, requesting.calls(), "no batch is drawn after the request");
        }
        assertEquals(23, e.step());
        assertEquals(23, e.checkpointStep().getAsLong());
        assertTrue(e.getMessage().contains("test signal at batch 23"), e.getMessage());
        assertTrue(e.getMessage().contains("after step 23"), e.getMessage());
        Path last = dir.resolve(e.phase()).resolve("last");
        CheckpointDirectories.verify(last);
        assertEquals(23, PhaseState.read(last, train.countedGroupSpec()).step);
        // The selected checkpoint is still the one of an evaluation, not the stop's.
        assertEquals(20, PhaseState.read(dir.resolve(e.phase()).resolve("best"), train.countedGroupSpec()).step);

        try (ErmTrainer trainer = erm(training(dir, true).build());
                KillingDataset counting = new KillingDataset(train, Long.MAX_VALUE)) {
            TrainingResult result = trainer.fit(counting, validation);
            assertEquals(17, counting.calls(), "the resumed run continues at step 24");
            assertEquals(fullResult.history(), result.history());
            assertEquals(fullResult.selected(), result.selected());
            List<float[]> resumed = KilledRunResumeTest.parameters(trainer.reportedModel());
            for (int i = 0; i < full.size(); i++) {
                assertArrayEquals(full.get(i), resumed.get(i), 0f, "parameter " + i);
            }
        }
    }

    @Test
    void withoutACheckpointDirectoryItStopsAndNamesNoCheckpoint() {
        StopRequest stop = new StopRequest();
        TrainingConfig config = BiasedToyData.training(40).optEvaluateEvery(10).optStopRequest(stop).build();
        try (ErmTrainer trainer = erm(config);
                KillingDataset requesting = KillingDataset.requestingStop(train, 5, stop)) {
            TrainingStoppedException e =
                    assertThrows(TrainingStoppedException.class, () -> trainer.fit(requesting, validation));
            assertEquals(5, e.step());
            assertFalse(e.checkpointStep().isPresent());
            assertTrue(e.getMessage().contains("no checkpoint"), e.getMessage());
        }
    }

    @Test
    void aRequestMadeBeforeTheRunStopsItBeforeItsFirstStepAndWritesNothing(@TempDir Path tmp) {
        StopRequest stop = new StopRequest();
        assertTrue(stop.request("early"));
        assertFalse(stop.request("later"), "the first request stands");
        assertEquals("early", stop.reason().orElseThrow());
        Path dir = tmp.resolve("run");
        try (ErmTrainer trainer = erm(training(dir, false).optStopRequest(stop).build());
                KillingDataset counting = new KillingDataset(train, Long.MAX_VALUE)) {
            TrainingStoppedException e =
                    assertThrows(TrainingStoppedException.class, () -> trainer.fit(counting, validation));
            assertEquals(0, e.step());
            assertEquals(0, counting.calls());
            assertTrue(e.getMessage().contains("(early)"), e.getMessage());
        }
        assertFalse(PhasedRun.hasCheckpoints(dir));
    }

    @Test
    void jttStoppedInItsIdentificationPhaseDoesNotStartTheNextPhase(@TempDir Path tmp) {
        StopRequest stop = new StopRequest();
        TrainingConfig identification = BiasedToyData.training(1).setEpochs(2).optEvaluateEvery(5).build();
        Path dir = tmp.resolve("jtt");
        JttTrainer jtt = new JttTrainer(
                JttConfig.builder()
                        .setIdentification(identification)
                        .setTraining(training(dir, false).optStopRequest(stop).build())
                        .optUpweight(5)
                        .build(),
                BiasedToyData.mlp(),
                BiasedToyData.INPUT);
        try (jtt; KillingDataset requesting = KillingDataset.requestingStop(train, 7, stop)) {
            TrainingStoppedException e =
                    assertThrows(TrainingStoppedException.class, () -> jtt.fit(requesting, validation));
            assertEquals(7, e.step());
            assertEquals(7, requesting.calls());
            assertTrue(Files.isDirectory(dir.resolve(e.phase()).resolve("last")));
            assertFalse(Files.exists(dir.resolve(e.phase()).resolve(PhasedRun.COMPLETE)));
        }
    }
}
