package dev.debias.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;

import dev.debias.sampler.ShuffleSampler;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Models plain DJL loads, step contexts after a resume, optimiser groups and frozen parameters. */
class PlatformTest extends ToyRunTest {

    @Test
    void savedModelsLoadWithPlainDjlAndPredictTheSame(@TempDir Path dir) throws Exception {
        TrainingConfig training = BiasedToyData.training(30).optEvaluateEvery(10).optCheckpointDir(dir).build();
        try (ErmTrainer trainer =
                        new ErmTrainer(ErmConfig.builder().setTraining(training).build(), BiasedToyData.mlp(), BiasedToyData.INPUT);
                NDManager manager = NDManager.newBaseManager()) {
            trainer.fit(train, validation);
            NDArray x = train.features(manager, new long[] {0, 1, 2, 3, 4, 5, 6, 7});
            float[] expected = trainer.reportedModel().inference().apply(new NDList(x)).head().toFloatArray();
            try (Model plain = Model.newInstance("model")) {
                plain.setBlock(BiasedToyData.mlp().get());
                plain.load(dir.resolve("train").resolve("last"), "model");
                ParameterStore store = new ParameterStore(plain.getNDManager(), false);
                float[] actual = plain.getBlock().forward(store, new NDList(x), false).head().toFloatArray();
                assertArrayEquals(expected, actual, 0f);
            }
        }
    }

    @Test
    void stepContextsAreTheSameAfterAResume(@TempDir Path tmp) {
        List<StepContext> full = contexts(tmp.resolve("full"), 40, false);
        List<StepContext> first = contexts(tmp.resolve("split"), 25, false);
        List<StepContext> second = contexts(tmp.resolve("split"), 40, true);
        // The first run checkpointed at its end (step 25); the resumed one goes on at 26.
        assertEquals(new StepContext("warmup", 26, 1, 40), second.get(0));
        assertEquals(full.subList(25, 40), second);
        for (int i = 0; i < 25; i++) {
            assertEquals(full.get(i).step(), first.get(i).step());
            assertEquals(full.get(i).epoch(), first.get(i).epoch());
        }
        assertTrue(full.get(39).isLast());
    }

    /** Runs a phase whose step only records its context and returns a constant loss. */
    private static List<StepContext> contexts(Path dir, long steps, boolean resume) {
        List<StepContext> seen = new ArrayList<>();
        TrainingConfig training =
                BiasedToyData.training(steps).optEvaluateEvery(10).optCheckpointDir(dir).optResume(resume).build();
        PhasedRun run = PhasedRun.builder().setDevice(ai.djl.Device.cpu()).setData(train, validation).optCheckpoints(training).build();
        dev.debias.metrics.GroupMetrics metrics = dev.debias.metrics.GroupMetrics.builder(train.groupSpec())
                .setGroupCounts(new long[4], new long[4]).build();
        run.execute(
                Phase.builder()
                        .setName("warmup")
                        .setTraining(training)
                        .setSampler(ShuffleSampler.builder().setBatchSize(64).setSeed(3).build())
                        .setStep((batch, context) -> {
                            seen.add(context);
                            return StepResult.of(batch.getManager().create(1f)).with("double", batch.getManager().create(2f));
                        })
                        .optValidator(d -> metrics)
                        .build());
        assertEquals(2.0, run.history().get(0).terms().get("double"), 0);
        return seen;
    }

    @Test
    void twoOptimiserGroupsStepSeparatelyAndFrozenParametersGetNoGradient() {
        try (Model model = Model.newInstance("groups");
                NDManager manager = NDManager.newBaseManager()) {
            model.setBlock(BiasedToyData.mlp().get());
            OptimizerConfig sgd = OptimizerConfig.sgd(0.1f).optMomentum(0).build();
            TrainedModel trained =
                    TrainedModel.builder()
                            .setName("m")
                            .setModel(model)
                            .setInputShapes(BiasedToyData.INPUT)
                            .optFrozen(p -> p.startsWith("01features_04"))
                            .addOptimizer("first", sgd, p -> p.startsWith("01features_02"))
                            .addOptimizer("rest", sgd, p -> !p.startsWith("01features_02"))
                            .build();
            List<String> names = new ArrayList<>();
            for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
                names.add(p.getKey());
            }
            assertEquals(List.of("01features_02Linear_weight", "01features_02Linear_bias", "01features_04Linear_weight",
                            "01features_04Linear_bias"),
                    names.subList(0, 4));
            NDArray x = train.features(manager, new long[] {0, 1, 2, 3});
            List<float[]> before = values(model);
            try (GradientCollector gc = trained.trainer().newGradientCollector()) {
                NDArray out = trained.trainer().forward(new NDList(x)).head();
                gc.backward(out.square().sum());
            }
            for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
                boolean frozen = p.getKey().startsWith("01features_04");
                assertEquals(!frozen, p.getValue().getArray().hasGradient(), p.getKey());
            }
            trained.step("first");
            List<float[]> after = values(model);
            for (int i = 0; i < names.size(); i++) {
                if (names.get(i).startsWith("01features_02")) {
                    assertNotEquals(before.get(i)[0], after.get(i)[0], names.get(i));
                } else {
                    assertArrayEquals(before.get(i), after.get(i), 0f, names.get(i));
                }
            }
            // The other group kept its gradient and moves on its own step.
            trained.step("rest");
            List<float[]> last = values(model);
            for (int i = 0; i < names.size(); i++) {
                boolean moves = !names.get(i).startsWith("01features_02") && !names.get(i).startsWith("01features_04");
                if (moves) {
                    assertNotEquals(after.get(i)[0], last.get(i)[0], names.get(i));
                } else {
                    assertArrayEquals(after.get(i), last.get(i), 0f, names.get(i));
                }
            }
            assertThrows(IllegalArgumentException.class, () -> trained.step("none"));
            trained.close();
        }
    }

    @Test
    void everyTrainableParameterNeedsExactlyOneGroup() {
        try (Model model = Model.newInstance("orphans")) {
            model.setBlock(BiasedToyData.mlp().get());
            OptimizerConfig adam = OptimizerConfig.adam(1e-3f).build();
            IllegalArgumentException orphan =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> TrainedModel.builder().setName("m").setModel(model).setInputShapes(BiasedToyData.INPUT)
                                    .addOptimizer("first", adam, p -> p.startsWith("01features_02")).build());
            assertTrue(orphan.getMessage().contains("in no optimiser group"), orphan.getMessage());
            IllegalArgumentException twice =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> TrainedModel.builder().setName("m").setModel(model).setInputShapes(BiasedToyData.INPUT)
                                    .addOptimizer("a", adam, p -> true).addOptimizer("b", adam, p -> p.startsWith("01features_02")).build());
            assertTrue(twice.getMessage().contains("groups must be disjoint"), twice.getMessage());
        }
    }

    private static List<float[]> values(Model model) {
        List<float[]> out = new ArrayList<>();
        for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
            out.add(p.getValue().getArray().toFloatArray());
        }
        return out;
    }

    @Test
    void groupDroHistoryHoldsEachGroupsWeightAndLoss() {
        try (GroupDroTrainer trainer =
                new GroupDroTrainer(
                        GroupDroConfig.builder().setTraining(BiasedToyData.training(20).optEvaluateEvery(10).build()).build(),
                        BiasedToyData.mlp(),
                        BiasedToyData.INPUT)) {
            trainer.fit(train, validation);
            for (EvaluationRecord r : trainer.history()) {
                double sum = 0;
                for (int g = 0; g < 4; g++) {
                    sum += r.terms().get("q." + g);
                    assertTrue(r.terms().get("lossEma." + g) >= 0, "lossEma." + g);
                }
                assertEquals(1.0, sum, 1e-9, "the mean weights of a validation interval sum to 1");
            }
            double[] q = trainer.groupWeights();
            assertEquals(q[1], trainer.history().get(1).terms().get("q.1"), 0.05);
        }
    }
}
