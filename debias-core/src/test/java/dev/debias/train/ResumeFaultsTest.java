package dev.debias.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

import dev.debias.data.GroupedArrayDataset;
import dev.debias.io.CheckpointDirectories;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;

/** Each way a resume used to go wrong: refused with a message that names the problem. */
class ResumeFaultsTest extends ToyRunTest {

    private static ErmTrainer erm(long steps, Path dir, boolean resume, UnaryOperator<TrainingConfig.Builder> change) {
        TrainingConfig.Builder b =
                BiasedToyData.training(steps).optEvaluateEvery(10).optCheckpointDir(dir).optResume(resume);
        return new ErmTrainer(
                ErmConfig.builder().setTraining(change.apply(b).build()).build(), BiasedToyData.mlp(), BiasedToyData.INPUT);
    }

    private static void run(long steps, Path dir, boolean resume, UnaryOperator<TrainingConfig.Builder> change) {
        try (ErmTrainer trainer = erm(steps, dir, resume, change)) {
            trainer.fit(train, validation);
        }
    }

    private static String refusal(long steps, Path dir, boolean resume, UnaryOperator<TrainingConfig.Builder> change) {
        try (ErmTrainer trainer = erm(steps, dir, resume, change)) {
            return assertThrows(IllegalStateException.class, () -> trainer.fit(train, validation)).getMessage();
        }
    }

    @Test
    void changedSettingsAreRefusedNamingEachOne(@TempDir Path dir) {
        run(20, dir, false, b -> b);
        String message =
                refusal(40, dir, true, b -> b.optOptimizer(OptimizerConfig.adam(1e-3f).build()).optBatchSize(32).optSeed(8));
        assertTrue(message.contains("training.optimizer.learningRate: 0.01 -> 0.001"), message);
        assertTrue(message.contains("training.batchSize: 64 -> 32"), message);
        assertTrue(message.contains("training.seed: 7 -> 8"), message);
        assertFalse(message.contains("iterations"), message);
    }

    @Test
    void changedDataAreRefused(@TempDir Path dir) {
        run(20, dir, false, b -> b);
        try (GroupedArrayDataset other = BiasedToyData.train(1000, 0.2, 11, 64);
                ErmTrainer trainer = erm(40, dir, true, b -> b)) {
            String message = assertThrows(IllegalStateException.class, () -> trainer.fit(other, validation)).getMessage();
            assertTrue(message.contains("data.trainingGroupCounts"), message);
        }
    }

    @Test
    void resumeWithNothingToResumeIsRefused(@TempDir Path dir) {
        String message = refusal(20, dir.resolve("empty"), true, b -> b);
        assertTrue(message.contains("nothing to resume"), message);
    }

    @Test
    void aFreshRunDoesNotOverwriteAnEarlierOne(@TempDir Path dir) {
        run(20, dir, false, b -> b);
        String message = refusal(20, dir, false, b -> b);
        assertTrue(message.contains("already holds the checkpoints of a run"), message);
    }

    @Test
    void fewerIterationsThanDoneAreRefused(@TempDir Path dir) {
        run(30, dir, false, b -> b);
        String message = refusal(20, dir, true, b -> b);
        assertTrue(message.contains("has done 30 steps, more than the 20 asked for"), message);
    }

    @Test
    void aKillDuringTheSwapLeavesACheckpointThatResumeFindsAndLeftoversAreRemoved(@TempDir Path dir) throws Exception {
        run(20, dir, false, b -> b);
        Path last = dir.resolve("train").resolve("last");
        // The instant between "last -> .last.old" and ".last.new -> last": no last/ at all.
        Files.move(last, last.resolveSibling(".last.old"));
        Files.createDirectories(last.resolveSibling(".last.new"));
        Files.writeString(last.resolveSibling(".last.new").resolve("model-0000.params"), "half written");
        Files.createDirectories(last.resolveSibling(".best.4711"));
        try (ErmTrainer trainer = erm(30, dir, true, b -> b)) {
            assertEquals(30, trainer.fit(train, validation).steps());
        }
        try (var files = Files.list(dir.resolve("train"))) {
            assertEquals(List.of("best", "complete", "last"), files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void historyIsNeitherLostNorDuplicatedByAResume(@TempDir Path dir) throws Exception {
        run(40, dir.resolve("full"), false, b -> b);
        run(20, dir.resolve("split"), false, b -> b);
        // A stale line, as if the history had been appended before a kill: resume rebuilds it.
        Files.writeString(dir.resolve("split").resolve(HistoryFiles.JSONL), "{\"step\": 999}\n",
                java.nio.file.StandardOpenOption.APPEND);
        run(40, dir.resolve("split"), true, b -> b);
        assertEquals(
                Files.readAllLines(dir.resolve("full").resolve(HistoryFiles.CSV)),
                Files.readAllLines(dir.resolve("split").resolve(HistoryFiles.CSV)));
        assertEquals(4, Files.readAllLines(dir.resolve("split").resolve(HistoryFiles.JSONL)).size());
    }

    private static Path paramsFile(Path dir) throws Exception {
        return TrainedModel.parametersFile(dir.resolve("train").resolve("last"), "model");
    }

    @Test
    void aTruncatedFileIsNamed(@TempDir Path dir) throws Exception {
        run(20, dir, false, b -> b);
        Path file = paramsFile(dir);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(raf.length() / 2);
        }
        String message = refusal(40, dir, true, b -> b);
        assertTrue(message.contains("model-0000.params") && message.contains("(truncated)"), message);
    }

    @Test
    void aFlippedBitIsFound(@TempDir Path dir) throws Exception {
        run(20, dir, false, b -> b);
        Path file = paramsFile(dir);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(raf.length() - 3);
            int b = raf.read();
            raf.seek(raf.length() - 3);
            raf.write(b ^ 0x10);
        }
        String message = refusal(40, dir, true, b -> b);
        assertTrue(message.contains("model-0000.params is corrupt"), message);
    }

    @Test
    void appendedJunkAndUnexpectedFilesAreRefused(@TempDir Path dir) throws Exception {
        run(20, dir, false, b -> b);
        Path last = dir.resolve("train").resolve("last");
        Files.write(last.resolve("loop.state"), new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
        String message = refusal(40, dir, true, b -> b);
        assertTrue(message.contains("loop.state") && message.contains("(data appended)"), message);

        Path other = dir.resolve("other");
        run(20, other, false, b -> b);
        Files.writeString(other.resolve("train").resolve("last").resolve("stray.txt"), "?");
        message = refusal(40, other, true, b -> b);
        assertTrue(message.contains("unexpected file stray.txt"), message);
    }

    @Test
    void nonFiniteParametersAreNeverSaved(@TempDir Path dir) throws Exception {
        TrainingConfig training =
                BiasedToyData.training(40).optEvaluateEvery(10).optCheckpointDir(dir).build();
        // A one-phase run whose step 20 overflows a weight after its update, while its loss is finite.
        try (ai.djl.Model model = ai.djl.Model.newInstance("overflow")) {
            model.setBlock(BiasedToyData.mlp().get());
            TrainedModel trained = TrainedModel.create("model", model, training.optimizer(), BiasedToyData.INPUT);
            ErmStep erm = new ErmStep(trained);
            TrainingStep step =
                    (batch, context) -> {
                        StepResult r = erm.step(batch, context);
                        if (context.step() == 20) {
                            model.getBlock().getParameters().get(0).getValue().getArray().addi(Float.NaN);
                        }
                        return r;
                    };
            PhasedRun run =
                    PhasedRun.builder().setDevice(trained.model().getNDManager().getDevice()).setData(train, validation)
                            .optCheckpoints(training).build();
            TrainingDivergedException e =
                    assertThrows(
                            TrainingDivergedException.class,
                            () -> run.execute(
                                    Phase.builder()
                                            .setName("train")
                                            .setTraining(training)
                                            .setSampler(dev.debias.sampler.ShuffleSampler.builder().setBatchSize(64).setSeed(1).build())
                                            .setStep(step)
                                            .optValidator(d -> dev.debias.metrics.GroupEvaluator.builder().build().evaluate(trained.trainer(), d))
                                            .addParts(trained)
                                            .build()));
            assertTrue(e.getMessage().contains("parameter") && e.getMessage().contains("of model model is not finite after step 20"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("last good checkpoint (step 10) is intact"), e.getMessage());
            Path last = dir.resolve("train").resolve("last");
            CheckpointDirectories.verify(last);
            trained.loadParameters(last);
            assertEquals(null, trained.nonFiniteState());
            trained.close();
        }
    }

    @Test
    void aLossThatExplodesWithoutReachingNanIsDivergence(@TempDir Path dir) {
        TrainingConfig training = BiasedToyData.training(40).optEvaluateEvery(10).optCheckpointDir(dir).build();
        PhasedRun run =
                PhasedRun.builder().setDevice(ai.djl.Device.cpu()).setData(train, validation).optCheckpoints(training).build();
        dev.debias.metrics.GroupMetrics metrics =
                dev.debias.metrics.GroupMetrics.builder(train.groupSpec()).setGroupCounts(new long[4], new long[4]).build();
        TrainingDivergedException e =
                assertThrows(
                        TrainingDivergedException.class,
                        () -> run.execute(
                                Phase.builder()
                                        .setName("train")
                                        .setTraining(training)
                                        .setSampler(dev.debias.sampler.ShuffleSampler.builder().setBatchSize(64).setSeed(1).build())
                                        .setStep((batch, context) -> StepResult.of(
                                                batch.getManager().create(context.step() < 25 ? 2f : 1e35f)))
                                        .optValidator(d -> metrics)
                                        .build()));
        assertEquals(25, e.step());
        assertTrue(e.getMessage().contains("more than 10000 times its level over the first 10 steps (2.0)"), e.getMessage());
        assertTrue(e.getMessage().contains("last good checkpoint (step 20)"), e.getMessage());
    }
}
