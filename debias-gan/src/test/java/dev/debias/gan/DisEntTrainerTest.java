package dev.debias.gan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;

import dev.debias.data.GroupedArrayDataset;
import dev.debias.metrics.GroupMetrics;
import dev.debias.train.EvaluationRecord;
import dev.debias.train.ErmConfig;
import dev.debias.train.ErmTrainer;
import dev.debias.train.OptimizerConfig;
import dev.debias.train.TrainingConfig;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

class DisEntTrainerTest {

    private static GroupedArrayDataset train;
    private static GroupedArrayDataset validation;
    private static GroupedArrayDataset test;

    @BeforeAll
    static void data() {
        train = ToyData.train(4000, 0.02, 1);
        validation = ToyData.balanced(1000, 2);
        test = ToyData.balanced(2000, 3);
    }

    @AfterAll
    static void close() {
        train.close();
        validation.close();
        test.close();
    }

    private static DisEntConfig config(TrainingConfig training, long swapStart) {
        return DisEntConfig.builder().setTraining(training).optSwapStart(swapStart).build();
    }

    @Test
    void disEntBeatsErmOnConflictingSamples() {
        long steps = 600;
        GroupMetrics erm;
        try (ErmTrainer trainer =
                new ErmTrainer(
                        ErmConfig.builder().setTraining(ToyData.training(steps).build()).build(),
                        () -> dev.debias.model.ColoredMnistMlp.builder().setHiddenSizes(32, 8).setNumClasses(2)
                                .optInputSize(ToyData.DIM).build(),
                        ToyData.INPUT)) {
            trainer.fit(train, validation);
            erm = trainer.evaluate(test);
        }
        try (DisEntTrainer trainer =
                new DisEntTrainer(config(ToyData.training(steps).build(), 200), ToyData::model, ToyData.INPUT)) {
            trainer.fit(train, validation);
            GroupMetrics disent = trainer.evaluate(test);
            System.out.printf("toy data: conflicting accuracy ERM %.3f, DisEnt %.3f%n",
                    erm.conflictingAccuracy(), disent.conflictingAccuracy());
            assertTrue(
                    disent.conflictingAccuracy() > erm.conflictingAccuracy() + 0.10,
                    "conflicting accuracy: DisEnt " + disent.conflictingAccuracy() + " vs ERM " + erm.conflictingAccuracy());
        }
    }

    @Test
    void featuresAreSwappedOnlyAfterCurrStep() {
        try (DisEntTrainer trainer =
                new DisEntTrainer(config(ToyData.training(8).optEvaluateEvery(1).build(), 5), ToyData::model, ToyData.INPUT)) {
            trainer.fit(train, validation);
            List<EvaluationRecord> history = trainer.history();
            assertEquals(8, history.size());
            for (EvaluationRecord r : history) {
                assertEquals(r.step() > 5, r.terms().containsKey("swapIntrinsic"), "step " + r.step());
                assertEquals(r.step() > 5, r.terms().containsKey("swapBias"), "step " + r.step());
                assertTrue(r.terms().containsKey("intrinsic") && r.terms().containsKey("bias"));
            }
        }
    }

    @Test
    void theLearningRateDecaysOnlyFromCurrStep() {
        OptimizerConfig adam = DisEntConfig.coloredMnist().training().optimizer();
        // ALGORITHMS.md §9.4: lr * 0.5^floor(max(0, s - 10,000) / 10,000) at the 0-based step s = update - 1
        assertEquals(0.01f, adam.learningRateAt(10_000), 1e-9f);
        assertEquals(0.01f, adam.learningRateAt(20_000), 1e-9f);
        assertEquals(0.005f, adam.learningRateAt(20_001), 1e-9f);
        assertEquals(0.005f, adam.learningRateAt(30_000), 1e-9f);
        assertEquals(0.0025f, adam.learningRateAt(30_001), 1e-9f);
    }

    private static List<float[]> parameters(DisEntTrainer trainer) {
        List<float[]> values = new ArrayList<>();
        for (Pair<String, Parameter> p : trainer.network().getParameters()) {
            values.add(p.getValue().getArray().toFloatArray());
        }
        return values;
    }

    @Test
    void aResumedRunCrossingTheSwapStartEqualsTheUninterruptedOne(@TempDir Path tmp) {
        TrainingConfig.Builder base = ToyData.training(30).optEvaluateEvery(10);
        List<float[]> full;
        List<EvaluationRecord> fullHistory;
        try (DisEntTrainer trainer =
                new DisEntTrainer(config(base.optCheckpointDir(tmp.resolve("full")).build(), 15), ToyData::model, ToyData.INPUT)
                        .trackBestTestAccuracy(test)) {
            trainer.fit(train, validation);
            full = parameters(trainer);
            fullHistory = trainer.history();
        }
        Path dir = tmp.resolve("split");
        try (DisEntTrainer trainer =
                new DisEntTrainer(
                        config(ToyData.training(10).optEvaluateEvery(10).optCheckpointDir(dir).build(), 15),
                        ToyData::model, ToyData.INPUT)
                        .trackBestTestAccuracy(test)) {
            trainer.fit(train, validation);
        }
        try (DisEntTrainer trainer =
                new DisEntTrainer(
                        config(ToyData.training(30).optEvaluateEvery(10).optCheckpointDir(dir).optResume(true).build(), 15),
                        ToyData::model, ToyData.INPUT)
                        .trackBestTestAccuracy(test)) {
            trainer.fit(train, validation);
            assertEquals(fullHistory, trainer.history());
            List<float[]> resumed = parameters(trainer);
            for (int i = 0; i < full.size(); i++) {
                assertArrayEquals(full.get(i), resumed.get(i), 0f, "parameter " + i);
            }
            assertTrue(trainer.bestTestAccuracy().isPresent());
        }
    }

    @Test
    void theSavedModelPredictsWithPlainDjl(@TempDir Path dir) throws Exception {
        try (DisEntTrainer trainer =
                        new DisEntTrainer(config(ToyData.training(20).optEvaluateEvery(10).optCheckpointDir(dir).build(), 5),
                                ToyData::model, ToyData.INPUT);
                NDManager manager = NDManager.newBaseManager()) {
            trainer.fit(train, validation);
            NDArray x = test.features(manager, new long[] {0, 1, 2, 3, 4});
            float[] expected = trainer.reportedModel().inference().apply(new NDList(x)).head().toFloatArray();
            try (Model plain = Model.newInstance("disent")) {
                plain.setBlock(ToyData.model());
                plain.load(dir.resolve("train").resolve("last"), "disent");
                float[] actual =
                        plain.getBlock().forward(new ParameterStore(plain.getNDManager(), false), new NDList(x), false).head()
                                .toFloatArray();
                assertArrayEquals(expected, actual, 0f);
            }
        }
    }

    @Test
    void badInputIsNamed() {
        try (DisEntTrainer trainer =
                new DisEntTrainer(config(ToyData.training(5).build(), 2), ToyData::model, new Shape(1, 7))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> trainer.fit(train, validation));
            assertTrue(e.getMessage().contains("expects [B, 10]") || e.getMessage().contains("(1, 7)"), e.getMessage());
        }
        try (DisEntTrainer trainer =
                new DisEntTrainer(config(ToyData.training(5).build(), 2),
                        () -> DisEntModel.of(() -> dev.debias.model.ColoredMnistMlp.builder().setHiddenSizes(8).setNumClasses(3)
                                .optInputSize(ToyData.DIM).build()),
                        ToyData.INPUT)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> trainer.fit(train, validation));
            assertTrue(e.getMessage().contains("3 classes, the training set 2"), e.getMessage());
        }
        int n = 64;
        int[] zeros = new int[n];
        try (GroupedArrayDataset oneClass =
                        GroupedArrayDataset.builder()
                                .setFeatures(new float[n * ToyData.DIM], new Shape(ToyData.DIM))
                                .setLabels(zeros)
                                .optAttributes(zeros)
                                .optGroupSpec(dev.debias.data.GroupSpec.builder(1, 2).build())
                                .setSampling(32, false)
                                .build();
                DisEntTrainer trainer = new DisEntTrainer(config(ToyData.training(5).build(), 2), ToyData::model, ToyData.INPUT)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> trainer.fit(oneClass, validation));
            assertTrue(e.getMessage().contains("at least two classes"), e.getMessage());
        }
    }
}
