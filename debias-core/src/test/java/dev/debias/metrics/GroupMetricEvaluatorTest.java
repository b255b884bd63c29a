package dev.debias.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.TrainingResult;
import ai.djl.training.listener.EvaluatorTrainingListener;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;

import dev.debias.data.GroupedArrayDataset;

import org.junit.jupiter.api.Test;

class GroupMetricEvaluatorTest {

    /** Identity weights for a 2x2 Linear without bias: logits = features. */
    private static final Initializer IDENTITY = (manager, shape, type) -> manager.eye(2);

    private static final double UNBIASED = 13.0 / 24;

    @Test
    void evaluateReturnsTheBatchMetric() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDList labels = Fixture.labels(manager, Fixture.LABELS, Fixture.GROUPS);
            NDList predictions = new NDList(Fixture.logits(manager, Fixture.PREDICTIONS));
            NDArray unbiased = new GroupAccuracy(Fixture.spec()).evaluate(labels, predictions);
            assertEquals(UNBIASED, unbiased.getFloat(), 1e-6);
            NDArray worst = new WorstGroupAccuracy(Fixture.spec()).evaluate(labels, predictions);
            assertEquals(0f, worst.getFloat(), 1e-6);
        }
    }

    @Test
    void accumulatorsAreKeyedAndCountEachBatchOnce() {
        GroupAccuracy evaluator = new GroupAccuracy(Fixture.spec());
        String epoch = "validate/epoch";
        String all = "train/all";
        evaluator.addAccumulator(epoch);
        evaluator.addAccumulator(all);
        assertTrue(Float.isNaN(evaluator.getAccumulator(epoch)));
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int[] range : new int[][] {{0, 4}, {4, 10}}) {
                NDList labels =
                        Fixture.labels(
                                manager,
                                Fixture.slice(Fixture.LABELS, range[0], range[1]),
                                Fixture.slice(Fixture.GROUPS, range[0], range[1]));
                NDList predictions =
                        new NDList(
                                Fixture.logits(
                                        manager,
                                        Fixture.slice(Fixture.PREDICTIONS, range[0], range[1])));
                evaluator.updateAccumulators(new String[] {epoch, all}, labels, predictions);
            }
        }
        assertEquals(UNBIASED, evaluator.getAccumulator(epoch), 1e-6);
        assertEquals(UNBIASED, evaluator.getAccumulator(all), 1e-6);
        assertEquals(10, evaluator.getMetrics(epoch).count());
        evaluator.resetAccumulator(all);
        assertTrue(Float.isNaN(evaluator.getAccumulator(all)));
        assertEquals(UNBIASED, evaluator.getAccumulator(epoch), 1e-6);
        assertTrue(Float.isNaN(evaluator.getAccumulator("never/added")));
    }

    @Test
    void showsUpInDjlTrainingResults() throws Exception {
        Linear linear = Linear.builder().setUnits(2).optBias(false).build();
        // The sum of the logits: its weight gradient is not identically zero, unlike softmax
        // cross-entropy's (which DJL's first-step gradient check would reject for this input).
        Loss loss =
                new Loss("LogitSum") {
                    @Override
                    public NDArray evaluate(NDList labels, NDList predictions) {
                        return predictions.head().sum();
                    }
                };
        DefaultTrainingConfig config =
                new DefaultTrainingConfig(loss)
                        .optInitializer(IDENTITY, Parameter.Type.WEIGHT)
                        .optOptimizer(
                                Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0f)).build())
                        .addEvaluator(new GroupAccuracy(Fixture.spec()))
                        .addEvaluator(new WorstGroupAccuracy(Fixture.spec()))
                        .addEvaluator(
                                new GroupMetricEvaluator(
                                        "ConflictingAccuracy",
                                        Fixture.spec(),
                                        GroupMetric.CONFLICTING_ACCURACY))
                        .addTrainingListeners(new EvaluatorTrainingListener());
        try (GroupedArrayDataset train = Fixture.dataset(3);
                GroupedArrayDataset validation = Fixture.dataset(4);
                Model model = Model.newInstance("linear")) {
            model.setBlock(linear);
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(1, 2));
                EasyTrain.fit(trainer, 1, train, validation);
                TrainingResult result = trainer.getTrainingResult();
                // learning rate 0: the model stays the identity, so every batch split agrees
                assertEquals(UNBIASED, result.getValidateEvaluation("GroupAccuracy"), 1e-6);
                assertEquals(UNBIASED, result.getTrainEvaluation("GroupAccuracy"), 1e-6);
                assertEquals(0f, result.getEvaluations().get("validate_WorstGroupAccuracy"), 1e-6);
                assertEquals(0.25f, result.getValidateEvaluation("ConflictingAccuracy"), 1e-6);
            }
        }
    }

    @Test
    void rejectsTheLossMetric() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new GroupMetricEvaluator("loss", Fixture.spec(), GroupMetric.MEAN_LOSS));
    }
}
