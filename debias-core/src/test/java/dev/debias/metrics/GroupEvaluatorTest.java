package dev.debias.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.loss.IndexLoss;
import ai.djl.training.loss.Loss;

import dev.debias.data.GroupSpec;
import dev.debias.data.GroupedArrayDataset;

import org.junit.jupiter.api.Test;

class GroupEvaluatorTest {

    /** Identity weights for a 2x2 Linear without bias: logits = features. */
    private static final Initializer IDENTITY = (manager, shape, type) -> manager.eye(2);

    private static final GroupMetrics EXPECTED =
            GroupMetricsAccumulator.of(
                    Fixture.spec(), Fixture.LABELS, Fixture.GROUPS, Fixture.PREDICTIONS);

    /** A block that returns its input: the fixture's features are already the logits. */
    private static LambdaBlock identity() {
        return LambdaBlock.singleton(x -> x.mul(1f));
    }

    @Test
    void evaluatesAModelInBatches() {
        try (GroupedArrayDataset ds = Fixture.dataset(3);
                Model model = Model.newInstance("identity")) {
            model.setBlock(identity());
            int before = model.getNDManager().getManagedArrays().size();
            // batches of 4, 4 and 2 samples
            GroupMetrics m = GroupEvaluator.builder().optBatchSize(4).build().evaluate(model, ds);
            assertEquals(EXPECTED, m);
            assertEquals(0.7, m.averageAccuracy(), 1e-12);
            assertEquals(before, model.getNDManager().getManagedArrays().size());
        }
    }

    @Test
    void evaluatesWithATrainerInInferenceMode() {
        // Linear with identity weights and no bias: logits = features.
        Linear linear = Linear.builder().setUnits(2).optBias(false).build();
        try (GroupedArrayDataset ds = Fixture.dataset(3);
                Model model = Model.newInstance("linear")) {
            model.setBlock(linear);
            Loss loss = new IndexLoss(Loss.softmaxCrossEntropyLoss(), 0, 0);
            DefaultTrainingConfig config =
                    new DefaultTrainingConfig(loss).optInitializer(IDENTITY, Parameter.Type.WEIGHT);
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(1, 2));
                GroupMetrics m =
                        GroupEvaluator.builder()
                                .optBatchSize(3)
                                .optLoss(loss)
                                .build()
                                .evaluate(trainer, ds);
                assertEquals(13.0 / 24, m.unbiasedAccuracy(), 1e-12);
                assertEquals(0.0, m.worstGroupAccuracy(), 1e-12);
                // CE of logits (1, 0): log(1 + e^-1) if right, log(1 + e) if wrong;
                // 7 right, 3 wrong: log(1 + e^-1) + 3/10 (since log(1 + e) = 1 + log(1 + e^-1))
                double expected = Math.log1p(Math.exp(-1)) + 0.3;
                assertEquals(expected, m.meanLoss(), 1e-6);
            }
        }
    }

    @Test
    void evaluatesABlockWithAParameterStoreAndAFunction() {
        try (GroupedArrayDataset ds = Fixture.dataset(3);
                NDManager manager = NDManager.newBaseManager()) {
            LambdaBlock block = identity();
            GroupEvaluator evaluator = GroupEvaluator.builder().optBatchSize(7).build();
            ParameterStore parameters = new ParameterStore(manager, false);
            assertEquals(EXPECTED, evaluator.evaluate(block, parameters, ds));
            // a function returning (features, logits): predictions at index 1; flipping the
            // logits turns every right answer wrong and vice versa
            GroupEvaluator second =
                    GroupEvaluator.builder().optBatchSize(5).optPredictionIndex(1).build();
            GroupMetrics flipped =
                    second.evaluate(
                            manager, data -> new NDList(data.head(), data.head().flip(1)), ds);
            assertEquals(0.3, flipped.averageAccuracy(), 1e-12);
            assertEquals(0, manager.getManagedArrays().size());
        }
    }

    @Test
    void dropsTheLastPartialBatchOnlyWhenAsked() {
        try (GroupedArrayDataset ds = Fixture.dataset(3);
                NDManager manager = NDManager.newBaseManager()) {
            GroupMetrics m =
                    GroupEvaluator.builder()
                            .optBatchSize(4)
                            .optDropLastBatch(true)
                            .build()
                            .evaluate(manager, data -> data, ds);
            // samples 0..7 only
            assertEquals(
                    GroupMetricsAccumulator.of(
                            Fixture.spec(),
                            Fixture.slice(Fixture.LABELS, 0, 8),
                            Fixture.slice(Fixture.GROUPS, 0, 8),
                            Fixture.slice(Fixture.PREDICTIONS, 0, 8)),
                    m);
            IllegalArgumentException none =
                    assertThrows(
                            IllegalArgumentException.class,
                            () ->
                                    GroupEvaluator.builder()
                                            .optBatchSize(11)
                                            .optDropLastBatch(true)
                                            .build()
                                            .evaluate(manager, data -> data, ds));
            assertTrue(none.getMessage().contains("no full batch"), none.getMessage());
        }
    }

    @Test
    void usesTheGivenSpecForWeightsAndAlignment() {
        GroupSpec training =
                GroupSpec.builder(2, 2)
                        .optAlignedAttributes(new int[] {1, 0})
                        .optGroupCounts(new long[] {1, 0, 0, 0})
                        .build();
        try (GroupedArrayDataset ds = Fixture.dataset(3);
                NDManager manager = NDManager.newBaseManager()) {
            GroupMetrics m =
                    GroupEvaluator.builder()
                            .optGroupSpec(training)
                            .build()
                            .evaluate(manager, data -> data, ds);
            // only g0 has training weight: adjusted = acc_0 = 2/3; aligned = {g1, g2}
            assertEquals(2.0 / 3, m.adjustedAccuracy(), 1e-12);
            assertEquals(0.25, m.alignedAccuracy(), 1e-12);
            assertThrows(
                    IllegalArgumentException.class,
                    () ->
                            GroupEvaluator.builder()
                                    .optGroupSpec(GroupSpec.classOnly(2))
                                    .build()
                                    .evaluate(manager, data -> data, ds));
        }
    }

    @Test
    void rejectsAnEmptyDataset() {
        try (GroupedArrayDataset empty =
                        GroupedArrayDataset.builder()
                                .setFeatures(new float[0], new Shape(2))
                                .setLabels(new int[0])
                                .optGroupSpec(Fixture.spec())
                                .build();
                NDManager manager = NDManager.newBaseManager()) {
            GroupEvaluator evaluator = GroupEvaluator.builder().build();
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> evaluator.evaluate(manager, data -> data, empty));
            assertTrue(e.getMessage().contains("empty"), e.getMessage());
        }
    }

    @Test
    void rejectsMissingPredictionOutput() {
        try (GroupedArrayDataset ds = Fixture.dataset(3);
                NDManager manager = NDManager.newBaseManager()) {
            GroupEvaluator evaluator = GroupEvaluator.builder().optPredictionIndex(1).build();
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> evaluator.evaluate(manager, data -> data, ds));
            assertTrue(e.getMessage().contains("index 1"), e.getMessage());
            assertEquals(0, manager.getManagedArrays().size());
        }
    }
}
