package dev.debias.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

import dev.debias.augment.TripletDataset;
import dev.debias.data.GroupedArrayDataset;
import dev.debias.metrics.GroupMetrics;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CamelTrainerTest {

    private static GroupedArrayDataset train;
    private static GroupedArrayDataset validation;
    private static GroupedArrayDataset test;

    @BeforeAll
    static void data() {
        train = ToyImages.train(2000, 0.01, 31);
        validation = ToyImages.balanced(400, 32);
        test = ToyImages.balanced(2000, 33);
    }

    @AfterAll
    static void close() {
        train.close();
        validation.close();
        test.close();
    }

    private static TrainingConfig.Builder training(long steps) {
        return TrainingConfig.builder()
                .setIterations(steps)
                .optBatchSize(64)
                .optOptimizer(OptimizerConfig.adam(1e-2f).build())
                .optEvaluateEvery(50)
                .optModelSelection(ModelSelection.LAST)
                .optProgressBar(false)
                .optSeed(5);
    }

    private static CamelConfig camel(TrainingConfig training) {
        return CamelConfig.builder().setTraining(training).optBaselineBatchSize(64).build();
    }

    private static List<float[]> parameters(DebiasTrainer trainer) {
        List<float[]> values = new ArrayList<>();
        for (Pair<String, Parameter> p : trainer.reportedModel().model().getBlock().getParameters()) {
            values.add(p.getValue().getArray().toFloatArray());
        }
        return values;
    }

    /** A translator that returns black images. */
    private static dev.debias.augment.SubgroupTranslator blank() {
        return new dev.debias.augment.SubgroupTranslator() {
            @Override
            public boolean supports(int label, int from, int to) {
                return true;
            }

            @Override
            public ai.djl.ndarray.NDArray translate(ai.djl.ndarray.NDArray images, int label, int from, int to) {
                return images.zerosLike();
            }
        };
    }

    @Test
    void sumOfGroupMeansByHand() {
        try (NDManager m = NDManager.newBaseManager()) {
            // groups 0: (1, 2) mean 1.5; 1: (3) mean 3; 2: none; 3: (6) mean 6
            float sum =
                    CamelTrainer.sumOfGroupMeans(m.create(new float[] {1, 2, 3, 6}), m.create(new long[] {0, 0, 1, 3}), 4)
                            .getFloat();
            assertEquals(10.5f, sum, 1e-6f);
        }
    }

    @Test
    void beatsErmOnWorstGroupWithAPerfectTranslator() {
        double erm;
        try (ErmTrainer trainer =
                new ErmTrainer(ErmConfig.builder().setTraining(training(400).build()).build(), ToyImages.mlp(), ToyImages.INPUT)) {
            trainer.fit(train, validation);
            erm = trainer.evaluate(test).worstGroupAccuracy();
        }
        GroupMetrics metrics;
        try (CamelTrainer trainer = new CamelTrainer(camel(training(400).build()), ToyImages.mlp(), ToyImages.INPUT, ToyImages.oracle())) {
            trainer.fit(train, validation);
            metrics = trainer.evaluate(test);
        }
        System.out.printf("toy images worst-group test accuracy: ERM %.3f, CAMEL %.3f%n", erm, metrics.worstGroupAccuracy());
        assertTrue(metrics.worstGroupAccuracy() > erm + 0.15, "CAMEL " + metrics.worstGroupAccuracy() + " vs ERM " + erm);
        assertTrue(metrics.subgroupGap() < 0.15, "subgroup gap " + metrics.subgroupGap());
    }

    @Test
    void consistencyWeightZeroIsClassConditionalGroupDroAlone() {
        // with lambda_c = 0 the views never enter: the same run with any translator
        TrainingConfig config = training(30).build();
        CamelConfig plain = camel(config).toBuilder().optConsistencyWeight(0f).build();
        List<float[]> a;
        List<float[]> b;
        try (CamelTrainer trainer = new CamelTrainer(plain, ToyImages.mlp(), ToyImages.INPUT, ToyImages.oracle())) {
            trainer.fit(train, validation);
            a = parameters(trainer);
        }
        try (CamelTrainer trainer = new CamelTrainer(plain, ToyImages.mlp(), ToyImages.INPUT, blank())) {
            trainer.fit(train, validation);
            b = parameters(trainer);
        }
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i), b.get(i), 0f);
        }
    }

    @Test
    void resumedRunEqualsUninterruptedRun(@TempDir Path tmp) {
        List<float[]> uninterrupted;
        double[] weights;
        try (CamelTrainer trainer = new CamelTrainer(
                camel(training(40).optEvaluateEvery(10).optCheckpointDir(tmp.resolve("full")).build()),
                ToyImages.mlp(), ToyImages.INPUT, ToyImages.oracle())) {
            trainer.fit(train, validation);
            uninterrupted = parameters(trainer);
            weights = trainer.groupWeights();
        }
        Path dir = tmp.resolve("split");
        try (CamelTrainer trainer = new CamelTrainer(
                camel(training(20).optEvaluateEvery(10).optCheckpointDir(dir).build()), ToyImages.mlp(), ToyImages.INPUT, ToyImages.oracle())) {
            assertEquals(20, trainer.fit(train, validation).steps());
        }
        try (CamelTrainer trainer = new CamelTrainer(
                camel(training(40).optEvaluateEvery(10).optCheckpointDir(dir).optResume(true).build()),
                ToyImages.mlp(), ToyImages.INPUT, ToyImages.oracle())) {
            assertEquals(40, trainer.fit(train, validation).steps());
            List<float[]> resumed = parameters(trainer);
            for (int i = 0; i < resumed.size(); i++) {
                assertArrayEquals(uninterrupted.get(i), resumed.get(i), 0f, "parameter " + i);
            }
            assertArrayEquals(weights, trainer.groupWeights(), 1e-12);
        }
    }

    @Test
    void holdsAFixedNumberOfArrays() {
        int[] counts = new int[2];
        long[] steps = {20, 200};
        for (int k = 0; k < 2; k++) {
            try (CamelTrainer trainer = new CamelTrainer(
                    camel(training(steps[k]).optEvaluateEvery(10).build()), ToyImages.mlp(), ToyImages.INPUT, ToyImages.oracle())) {
                trainer.fit(train, validation);
                counts[k] = trainer.reportedModel().model().getNDManager().getManagedArrays().size();
            }
        }
        assertEquals(counts[0], counts[1]);
    }

    @Test
    void aTrainerWithoutTranslatorNeedsTriplets() {
        try (CamelTrainer trainer = new CamelTrainer(camel(training(10).build()), ToyImages.mlp(), ToyImages.INPUT)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> trainer.fit(train, validation));
            assertTrue(e.getMessage().contains("TripletDataset"), e.getMessage());
        }
        try (NDManager m = NDManager.newBaseManager();
                TripletDataset triplets = TripletDataset.builder().setDataset(train).setTranslator(ToyImages.oracle()).build(m);
                CamelTrainer trainer = new CamelTrainer(camel(training(10).build()), ToyImages.mlp(), ToyImages.INPUT)) {
            assertEquals(10, trainer.fit(triplets, validation).steps());
        }
    }
}
