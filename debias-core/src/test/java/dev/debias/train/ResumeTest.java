package dev.debias.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

import dev.debias.data.GroupedArrayDataset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Checkpoint, resume and divergence handling of the shared loop. */
class ResumeTest extends ToyRunTest {

    private static GroupDroConfig config(long steps, Path dir, boolean resume) {
        return GroupDroConfig.builder()
                .setTraining(
                        BiasedToyData.training(steps)
                                .optModelSelection(ModelSelection.WORST_GROUP)
                                .optEvaluateEvery(10)
                                .optCheckpointDir(dir)
                                .optResume(resume)
                                .build())
                .build();
    }

    private static List<float[]> parameters(DebiasTrainer trainer) {
        List<float[]> values = new ArrayList<>();
        for (Pair<String, Parameter> p : trainer.reportedModel().model().getBlock().getParameters()) {
            values.add(p.getValue().getArray().toFloatArray());
        }
        return values;
    }

    @Test
    void resumedRunEqualsUninterruptedRun(@TempDir Path tmp) {
        List<float[]> uninterrupted;
        double[] weightsUninterrupted;
        EvaluationRecord selectedUninterrupted;
        try (GroupDroTrainer trainer =
                new GroupDroTrainer(config(40, tmp.resolve("full"), false), BiasedToyData.mlp(), BiasedToyData.INPUT)) {
            selectedUninterrupted = trainer.fit(train, validation).selected();
            uninterrupted = parameters(trainer);
            weightsUninterrupted = trainer.groupWeights();
        }
        Path dir = tmp.resolve("split");
        try (GroupDroTrainer trainer =
                new GroupDroTrainer(config(25, dir, false), BiasedToyData.mlp(), BiasedToyData.INPUT)) {
            assertEquals(25, trainer.fit(train, validation).steps());
        }
        List<float[]> resumed;
        try (GroupDroTrainer trainer =
                new GroupDroTrainer(config(40, dir, true), BiasedToyData.mlp(), BiasedToyData.INPUT)) {
            TrainingResult result = trainer.fit(train, validation);
            assertEquals(40, result.steps());
            assertEquals(selectedUninterrupted.step(), result.selected().step());
            assertEquals(selectedUninterrupted.validation(), result.selected().validation());
            resumed = parameters(trainer);
            assertArrayEquals(weightsUninterrupted, trainer.groupWeights(), 1e-12);
        }
        assertEquals(uninterrupted.size(), resumed.size());
        for (int i = 0; i < resumed.size(); i++) {
            assertArrayEquals(uninterrupted.get(i), resumed.get(i), 0f, "parameter " + i);
        }
    }

    @Test
    void sameSeedGivesTheSameRun() {
        List<float[]> first;
        try (ErmTrainer trainer =
                new ErmTrainer(
                        ErmConfig.builder().setTraining(BiasedToyData.training(30).build()).build(),
                        BiasedToyData.mlp(),
                        BiasedToyData.INPUT)) {
            trainer.fit(train, validation);
            first = parameters(trainer);
        }
        try (ErmTrainer trainer =
                new ErmTrainer(
                        ErmConfig.builder().setTraining(BiasedToyData.training(30).build()).build(),
                        BiasedToyData.mlp(),
                        BiasedToyData.INPUT)) {
            trainer.fit(train, validation);
            List<float[]> second = parameters(trainer);
            for (int i = 0; i < first.size(); i++) {
                assertArrayEquals(first.get(i), second.get(i), 0f);
            }
        }
    }

    @Test
    void nanLossStopsTrainingNamingTheStepAndKeepsTheLastCheckpoint(@TempDir Path tmp) throws Exception {
        int n = 640;
        float[] x = new float[n * BiasedToyData.DIM];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 2;
            x[i * BiasedToyData.DIM] = y[i];
        }
        // The first sample of the third batch of epoch 0 is NaN: steps 1 and 2 are clean.
        dev.debias.sampler.ShuffleSampler sampler =
                dev.debias.sampler.ShuffleSampler.builder().setBatchSize(64).setSeed(7).build();
        List<Long> third = null;
        try (GroupedArrayDataset sameSize = BiasedToyData.train(n, 0, 0, 64)) {
            java.util.Iterator<List<Long>> order = sampler.sample(sameSize, 0);
            for (int b = 0; b < 3; b++) {
                third = order.next();
            }
        }
        int poisoned = third.get(0).intValue();
        for (int d = 0; d < BiasedToyData.DIM; d++) {
            x[poisoned * BiasedToyData.DIM + d] = Float.NaN;
        }
        try (GroupedArrayDataset data =
                GroupedArrayDataset.builder()
                        .setFeatures(x, new ai.djl.ndarray.types.Shape(BiasedToyData.DIM))
                        .setLabels(y)
                        .optAttributes(y)
                        .optGroupSpec(BiasedToyData.spec())
                        .build();
                ErmTrainer trainer =
                        new ErmTrainer(
                                ErmConfig.builder()
                                        .setTraining(
                                                BiasedToyData.training(100)
                                                        .optEvaluateEvery(1)
                                                        .optCheckpointDir(tmp)
                                                        .build())
                                        .build(),
                                BiasedToyData.mlp(),
                                BiasedToyData.INPUT)) {
            TrainingDivergedException e =
                    assertThrows(TrainingDivergedException.class, () -> trainer.fit(data, validation));
            assertEquals(3, e.step(), e.getMessage());
            assertTrue(e.getMessage().contains("at step 3"), e.getMessage());
            assertTrue(e.getMessage().contains("checkpoint (step 2)"), e.getMessage());
            assertTrue(Files.isRegularFile(tmp.resolve("train").resolve("last").resolve("model-0000.params")));
        }
    }

    @Test
    void groupDroReportsANonFiniteLossAsDivergenceAtItsStep() {
        int n = 128;
        float[] x = new float[n * BiasedToyData.DIM];
        java.util.Arrays.fill(x, Float.NaN);
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 2;
        }
        try (GroupedArrayDataset data =
                        GroupedArrayDataset.builder()
                                .setFeatures(x, new ai.djl.ndarray.types.Shape(BiasedToyData.DIM))
                                .setLabels(y)
                                .optAttributes(y)
                                .optGroupSpec(BiasedToyData.spec())
                                .build();
                GroupDroTrainer trainer =
                        new GroupDroTrainer(
                                GroupDroConfig.builder().setTraining(BiasedToyData.training(10).build()).build(),
                                BiasedToyData.mlp(),
                                BiasedToyData.INPUT)) {
            TrainingDivergedException e =
                    assertThrows(TrainingDivergedException.class, () -> trainer.fit(data, validation));
            assertEquals(1, e.step());
            assertTrue(e.getCause() instanceof dev.debias.loss.NonFiniteLossException);
        }
    }

    @Test
    void anEmptyValidationSetIsRejectedBeforeTraining() {
        try (GroupedArrayDataset data = BiasedToyData.train(64, 0.1, 0, 32);
                GroupedArrayDataset empty = BiasedToyData.balanced(0, 0);
                ErmTrainer trainer =
                        new ErmTrainer(
                                ErmConfig.builder().setTraining(BiasedToyData.training(5).build()).build(),
                                BiasedToyData.mlp(),
                                BiasedToyData.INPUT)) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> trainer.fit(data, empty));
            assertTrue(e.getMessage().contains("validation set is empty"), e.getMessage());
        }
    }
}
