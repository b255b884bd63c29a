package dev.debias.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.listener.TrainingListener.BatchData;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.TranslateException;

import dev.debias.data.GroupSpec;
import dev.debias.data.GroupedArrayDataset;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

class GroupDroLossTest {

    /** Two classes times two attributes; training counts n = [4, 1, 1, 4]. */
    private static GroupSpec spec() {
        return GroupSpec.builder(2, 2).optGroupCounts(new long[] {4, 1, 1, 4}).build();
    }

    /**
     * Per-sample losses [1, 3, 2, 0.5] in groups [0, 0, 1, 3]: group means L = [2, 2, 0, 0.5],
     * batch counts [2, 1, 0, 1].
     */
    private static NDArray losses(NDManager manager) {
        return manager.create(new float[] {1f, 3f, 2f, 0.5f});
    }

    private static NDArray groups(NDManager manager) {
        return manager.create(new long[] {0, 0, 1, 3});
    }

    @Test
    void standardStepWithAdjustmentByHand() {
        GroupDroLoss loss =
                GroupDroLoss.builder(spec())
                        .optStepSize(0.1)
                        .optGeneralizationAdjustment(2.0)
                        .build();
        assertArrayEquals(new double[] {0.25, 0.25, 0.25, 0.25}, loss.weights(), 1e-12);
        try (NDManager manager = NDManager.newBaseManager()) {
            GroupDroStep step = loss.update(losses(manager), groups(manager));
            RobustWeights w = step.weights();
            // adjustment C / sqrt(n) = 2 / [2, 1, 1, 2] = [1, 2, 2, 1]
            // A = L + adj = [3, 4, 2, 1.5]; logits s = 0.1 A = [0.3, 0.4, 0.2, 0.15]
            // q = softmax(s) = e^s / 5.2249212 = [0.2583501, 0.2855210, 0.2337649, 0.2223640]
            double[] q = {0.25835011, 0.28552103, 0.23376485, 0.22236400};
            assertArrayEquals(q, w.weights(), 1e-7);
            assertArrayEquals(q, loss.weights(), 1e-7);
            assertArrayEquals(new double[] {2, 2, 0, 0.5}, w.groupLosses(), 1e-7);
            assertArrayEquals(new long[] {2, 1, 0, 1}, w.groupCounts());
            // unadjusted = 2 q0 + 2 q1 + 0.5 q3 = 1.1989243
            // offset = q0 + 2 q1 + 2 q2 + q3 = 1.5192859; adjusted = 2.7182102
            assertEquals(1.1989243, w.unadjustedLoss(), 1e-6);
            assertEquals(1.5192859, w.adjustmentOffset(), 1e-6);
            assertEquals(2.7182102, w.adjustedLoss(), 1e-6);
            assertEquals(2.7182102f, step.loss().getFloat(), 1e-5f);
            assertEquals(1, loss.numSteps());
            // EMA: first observation copies L; group 2 unseen stays 0
            assertArrayEquals(new double[] {2, 2, 0, 0.5}, loss.groupLossEma(), 1e-7);

            // Second step, L' = [1, -, 4, 1.5] (losses [1, 4, 1.5] in groups [0, 2, 3]):
            // s += 0.1 (L' + adj) = [0.3, 0.4, 0.2, 0.15] + [0.2, 0.2, 0.6, 0.25]
            // q = softmax([0.5, 0.6, 0.8, 0.4]) = [0.2293648, 0.2534873, 0.3096101, 0.2075378]
            GroupDroStep second =
                    loss.update(
                            manager.create(new float[] {1f, 4f, 1.5f}),
                            manager.create(new long[] {0, 2, 3}));
            assertArrayEquals(
                    new double[] {0.22936479, 0.25348729, 0.30961008, 0.20753784},
                    second.weights().weights(),
                    1e-7);
            // unadjusted = q0 + 4 q2 + 1.5 q3 = 1.7791119
            assertEquals(1.7791119, second.weights().unadjustedLoss(), 1e-6);
            // EMA with gamma 0.1: g0 0.9*2 + 0.1*1 = 1.9; g1 absent: 2; g2 first: 4;
            // g3 0.9*0.5 + 0.1*1.5 = 0.6
            assertArrayEquals(new double[] {1.9, 2, 4, 0.6}, loss.groupLossEma(), 1e-7);
        }
    }

    @Test
    void normalizedStepByHand() {
        GroupDroLoss loss =
                GroupDroLoss.builder(spec())
                        .optStepSize(0.1)
                        .optGeneralizationAdjustment(2.0)
                        .optNormalizeLoss(true)
                        .build();
        try (NDManager manager = NDManager.newBaseManager()) {
            RobustWeights w = loss.update(losses(manager), groups(manager)).weights();
            // A = [3, 4, 2, 1.5], sum 10.5: s = 0.1 A / 10.5
            // q = softmax(s) = [0.2508840, 0.2532847, 0.2485059, 0.2473254]
            assertArrayEquals(
                    new double[] {0.25088396, 0.25328474, 0.24850593, 0.24732538},
                    w.weights(),
                    1e-7);
            // unadjusted = 2 q0 + 2 q1 + 0.5 q3 = 1.1320001; adjusted = sum q A = 2.6337907
            assertEquals(1.1320001, w.unadjustedLoss(), 1e-6);
            assertEquals(2.6337907, w.adjustedLoss(), 1e-6);
        }
    }

    @Test
    void gradientFlowsThroughGroupMeansOnly() {
        GroupDroLoss loss =
                GroupDroLoss.builder(spec())
                        .optStepSize(0.1)
                        .optGeneralizationAdjustment(2.0)
                        .build();
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray perSample = losses(manager);
            perSample.setRequiresGradient(true);
            GroupDroStep step;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                step = loss.update(perSample, groups(manager));
                collector.backward(step.loss());
            }
            // d robust / d loss_i = q_{g_i} / count_{g_i}: [q0/2, q0/2, q1, q3]
            double[] q = step.weights().weights();
            try (NDArray grad = perSample.getGradient()) {
                assertArrayEquals(
                        new float[] {(float) q[0] / 2, (float) q[0] / 2, (float) q[1], (float) q[3]},
                        grad.toFloatArray(),
                        1e-6f);
            }
        }
    }

    @Test
    void evaluateIsPureAndMatchesTheStep() {
        GroupDroLoss loss = GroupDroLoss.builder(spec()).optStepSize(0.1).build();
        try (NDManager manager = NDManager.newBaseManager()) {
            // logits [0, 0] with labels 0 or 1: CE = ln 2 for every sample
            NDList predictions = new NDList(manager.zeros(new Shape(4, 2)));
            NDList labels =
                    new NDList(
                            manager.create(new long[] {0, 0, 1, 1}),
                            manager.create(new long[] {0, 1, 2, 3}),
                            manager.create(new long[] {0, 1, 2, 3}));
            float first = loss.evaluate(labels, predictions).getFloat();
            float second = loss.evaluate(labels, predictions).getFloat();
            assertEquals(first, second);
            assertEquals(0, loss.numSteps());
            assertNull(loss.lastUpdate());
            assertArrayEquals(new double[] {0.25, 0.25, 0.25, 0.25}, loss.weights(), 0);
            // every group loss is ln 2, so the robust loss is ln 2 whatever the weights
            assertEquals((float) Math.log(2), first, 1e-6f);
            GroupDroStep step = loss.step(labels, predictions);
            assertEquals(first, step.loss().getFloat(), 1e-6f);
            assertEquals(1, loss.numSteps());
            assertEquals(step.weights(), loss.lastUpdate());
        }
    }

    @Test
    void groupsAbsentFromTrainingKeepWeightZero() {
        GroupSpec spec = GroupSpec.builder(2, 2).optGroupCounts(new long[] {4, 0, 1, 4}).build();
        GroupDroLoss loss =
                GroupDroLoss.builder(spec).optStepSize(1).optGeneralizationAdjustment(1).build();
        assertArrayEquals(new double[] {1 / 3.0, 0, 1 / 3.0, 1 / 3.0}, loss.weights(), 1e-12);
        try (NDManager manager = NDManager.newBaseManager()) {
            RobustWeights w =
                    loss.update(
                                    manager.create(new float[] {1f, 5f}),
                                    manager.create(new long[] {0, 1}))
                            .weights();
            // group 1 has a batch loss of 5 but no training samples: its weight stays 0
            assertEquals(0, w.weights()[1]);
            assertEquals(1, sum(w.weights()), 1e-12);
        }
    }

    @Test
    void unknownGroupsAreIgnoredAndBadGroupsRejected() {
        GroupDroLoss loss = GroupDroLoss.builder(spec()).build();
        try (NDManager manager = NDManager.newBaseManager()) {
            GroupSums sums =
                    loss.groupSums(
                            manager.create(new float[] {1f, 7f, 2f}),
                            manager.create(new long[] {0, -1, 0}));
            assertArrayEquals(new double[] {3, 0, 0, 0}, sums.lossSums(), 1e-7);
            assertArrayEquals(new long[] {2, 0, 0, 0}, sums.counts());
            assertEquals(1, sums.unknownCount());
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () ->
                                    loss.groupSums(
                                            manager.create(new float[] {1f, 7f}),
                                            manager.create(new long[] {0, 4})));
            assertTrue(e.getMessage().contains("outside [-1, 4)"), e.getMessage());
            IllegalArgumentException nan =
                    assertThrows(
                            IllegalArgumentException.class,
                            () ->
                                    loss.groupSums(
                                            manager.create(new float[] {1f, Float.NaN}),
                                            manager.create(new long[] {0, 2})));
            assertTrue(nan.getMessage().contains("NaN"), nan.getMessage());
        }
    }

    @Test
    void greedyVariantByHand() {
        // frac = n / N = [0.4, 0.1, 0.1, 0.4]
        GroupDroLoss loss =
                GroupDroLoss.builder(spec()).optBtl(true).optAlpha(0.6).optMinVarWeight(0.5).build();
        try (NDManager manager = NDManager.newBaseManager()) {
            // losses [1, 3, 3, 0.5] in groups [0, 0, 1, 3]: L = [2, 3, 0, 0.5]; the EMA copies L
            // Order by EMA: g1 (3), g0 (2), g3 (0.5), g2 (0)
            //   g1: cumulative 0.1 <= 0.6 -> 0.1 / 0.6 = 1/6
            //   g0: cumulative 0.5 <= 0.6 -> 0.4 / 0.6 = 2/3
            //   g3: cumulative 0.9 >  0.6 -> remainder 1 - 5/6 = 1/6; g2 -> 0
            // mixed with the fractions: 0.5 frac + 0.5 w = [0.5333333, 0.1333333, 0.05, 0.2833333]
            RobustWeights w =
                    loss.update(
                                    manager.create(new float[] {1f, 3f, 3f, 0.5f}),
                                    manager.create(new long[] {0, 0, 1, 3}))
                            .weights();
            assertArrayEquals(
                    new double[] {0.53333333, 0.13333333, 0.05, 0.28333333}, w.weights(), 1e-7);
            // robust = 2 * 0.5333333 + 3 * 0.1333333 + 0.5 * 0.2833333 = 1.6083333, no offset
            assertEquals(1.6083333, w.unadjustedLoss(), 1e-6);
            assertEquals(0, w.adjustmentOffset());
        }
    }

    @Test
    void greedyOrderFollowsTheLossEma() {
        // counts [1, 1, 1, 1]: frac 0.25 each; alpha 0.25 puts all weight on the worst EMA group
        GroupSpec spec = GroupSpec.builder(2, 2).optGroupCounts(new long[] {1, 1, 1, 1}).build();
        GroupDroLoss loss = GroupDroLoss.builder(spec).optBtl(true).optAlpha(0.25).build();
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray groups = manager.create(new long[] {0, 1, 2, 3});
            // step 1: L = [1, 4, 2, 3] -> EMA = L, worst group 1
            loss.update(manager.create(new float[] {1f, 4f, 2f, 3f}), groups);
            assertArrayEquals(new double[] {0, 1, 0, 0}, loss.weights(), 1e-12);
            // step 2: L = [1, 0, 2, 9] -> EMA = 0.9 EMA + 0.1 L = [1, 3.6, 2, 3.6]: a tie that
            // keeps group order (1 before 3); step 3: L = [1, 0, 2, 9] -> [1, 3.24, 2, 4.14]
            loss.update(manager.create(new float[] {1f, 0f, 2f, 9f}), groups);
            RobustWeights w =
                    loss.update(manager.create(new float[] {1f, 0f, 2f, 9f}), groups).weights();
            assertArrayEquals(new double[] {1, 3.24, 2, 4.14}, loss.groupLossEma(), 1e-6);
            assertArrayEquals(new double[] {0, 0, 0, 1}, w.weights(), 1e-12);
        }
    }

    @Test
    void classConditionalByHand() {
        GroupSpec spec = GroupSpec.builder(2, 2).optGroupCounts(new long[] {1, 1, 1, 1}).build();
        GroupDroLoss loss =
                GroupDroLoss.builder(spec).optStepSize(1).optClassConditional(true).build();
        assertEquals(GroupDroLoss.Variant.CLASS_CONDITIONAL, loss.variant());
        assertArrayEquals(new double[] {0.25, 0.25, 0.25, 0.25}, loss.weights(), 1e-12);
        try (NDManager manager = NDManager.newBaseManager()) {
            // L = [1, 2, 0.5, 0.5], eta 1: s = L
            // class 0 (groups 0, 1): softmax([1, 2]) = [0.2689414, 0.7310586]
            // class 1 (groups 2, 3): softmax([0.5, 0.5]) = [0.5, 0.5]; f_c = 2/4 = 0.5 each
            // w = [0.1344707, 0.3655293, 0.25, 0.25]; robust = 0.1344707 + 0.7310586 + 0.25
            RobustWeights w =
                    loss.update(
                                    manager.create(new float[] {1f, 2f, 0.5f, 0.5f}),
                                    manager.create(new long[] {0, 1, 2, 3}))
                            .weights();
            assertArrayEquals(
                    new double[] {0.13447071, 0.36552929, 0.25, 0.25}, w.weights(), 1e-7);
            assertEquals(1.1155293, w.unadjustedLoss(), 1e-6);
        }
    }

    @Test
    void splitCommitEqualsFullBatchAndListenerCommitsOncePerBatch() {
        GroupDroLoss full =
                GroupDroLoss.builder(spec()).optStepSize(0.1).optGeneralizationAdjustment(1).build();
        GroupDroLoss split =
                GroupDroLoss.builder(spec()).optStepSize(0.1).optGeneralizationAdjustment(1).build();
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray logits =
                    manager.create(new float[][] {{1, 0}, {0, 2}, {0.5f, 0.5f}, {3, 1}});
            NDArray y = manager.create(new long[] {0, 1, 1, 0});
            NDArray g = manager.create(new long[] {0, 3, 2, 1});
            NDArray idx = manager.create(new long[] {0, 1, 2, 3});
            GroupDroStep step = full.step(new NDList(y, g, idx), new NDList(logits));

            // Two splits as EasyTrain reports them for two devices (all CPU devices are equal as
            // map keys, so two GPU ids serve as keys; the arrays stay on the CPU).
            Map<Device, NDList> labels = new LinkedHashMap<>();
            Map<Device, NDList> predictions = new LinkedHashMap<>();
            labels.put(Device.gpu(0), new NDList(y.get("0:2"), g.get("0:2"), idx.get("0:2")));
            predictions.put(Device.gpu(0), new NDList(logits.get("0:2")));
            labels.put(Device.gpu(1), new NDList(y.get("2:"), g.get("2:"), idx.get("2:")));
            predictions.put(Device.gpu(1), new NDList(logits.get("2:")));
            TrainingListener updater = split.updater();
            updater.onTrainingBatch(null, new BatchData(null, labels, predictions));

            assertEquals(1, split.numSteps());
            assertArrayEquals(full.weights(), split.weights(), 1e-12);
            assertArrayEquals(full.groupLossEma(), split.groupLossEma(), 1e-7);
            assertEquals(
                    step.weights().unadjustedLoss(), split.lastUpdate().unadjustedLoss(), 1e-6);
        }
    }

    @Test
    void easyTrainCommitsOncePerTrainingBatch() throws IOException, TranslateException {
        float[] features = new float[12 * 3];
        int[] labels = new int[12];
        int[] attributes = new int[12];
        for (int i = 0; i < 12; i++) {
            labels[i] = i % 2;
            attributes[i] = (i / 2) % 2;
            features[3 * i] = labels[i];
            features[3 * i + 1] = attributes[i];
            features[3 * i + 2] = 1;
        }
        GroupSpec spec = GroupSpec.fromLabels(2, 2, labels, attributes);
        GroupDroLoss loss = GroupDroLoss.builder(spec).build();
        try (GroupedArrayDataset train =
                        GroupedArrayDataset.builder()
                                .setFeatures(features, new Shape(3))
                                .setLabels(labels)
                                .optAttributes(attributes)
                                .setSampling(4, false)
                                .build();
                GroupedArrayDataset validation =
                        GroupedArrayDataset.builder()
                                .setFeatures(features, new Shape(3))
                                .setLabels(labels)
                                .optAttributes(attributes)
                                .setSampling(6, false)
                                .build();
                Model model = Model.newInstance("gdro-easytrain")) {
            // A hidden layer: with a single Linear+softmax layer the gradients sum to exactly zero
            // and DJL's first-step check (Trainer.checkGradients) rejects the step at random.
            model.setBlock(
                    new ai.djl.nn.SequentialBlock()
                            .add(Linear.builder().setUnits(4).build())
                            .add(ai.djl.nn.Activation.reluBlock())
                            .add(Linear.builder().setUnits(2).build()));
            DefaultTrainingConfig config =
                    new DefaultTrainingConfig(loss)
                            .optOptimizer(
                                    Optimizer.sgd()
                                            .setLearningRateTracker(Tracker.fixed(0.1f))
                                            .build())
                            .optDevices(new Device[] {Device.cpu()})
                            .addTrainingListeners(TrainingListener.Defaults.basic())
                            .addTrainingListeners(loss.updater());
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(1, 3));
                EasyTrain.fit(trainer, 2, train, validation);
            }
        }
        // 12 samples in batches of 4, two epochs: 6 training batches; validation does not commit
        assertEquals(6, loss.numSteps());
        assertEquals(1, sum(loss.weights()), 1e-12);
    }

    @Test
    void stateRoundTripsAndRejectsMismatches() throws IOException {
        GroupDroLoss loss =
                GroupDroLoss.builder(spec()).optStepSize(0.5).optGeneralizationAdjustment(1).build();
        try (NDManager manager = NDManager.newBaseManager()) {
            loss.update(losses(manager), groups(manager));
            loss.update(manager.create(new float[] {2f, 1f}), manager.create(new long[] {2, 3}));
        }
        loss.applyAutomaticAdjustment(new double[] {3, 0, 1, 1});
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        loss.saveState(new DataOutputStream(bytes));

        GroupDroLoss restored =
                GroupDroLoss.builder(spec()).optStepSize(0.5).optGeneralizationAdjustment(1).build();
        restored.loadState(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertArrayEquals(loss.weights(), restored.weights(), 0);
        assertArrayEquals(loss.groupLossEma(), restored.groupLossEma(), 0);
        assertArrayEquals(loss.adjustments(), restored.adjustments(), 0);
        assertEquals(loss.numSteps(), restored.numSteps());
        // the next commits agree
        double[] sums = {1, 2, 3, 4};
        long[] counts = {1, 1, 1, 1};
        assertArrayEquals(
                loss.commit(sums, counts).weights(), restored.commit(sums, counts).weights(), 0);

        GroupDroLoss greedy = GroupDroLoss.builder(spec()).optBtl(true).build();
        IOException variant =
                assertThrows(
                        IOException.class,
                        () ->
                                greedy.loadState(
                                        new DataInputStream(
                                                new ByteArrayInputStream(bytes.toByteArray()))));
        assertTrue(variant.getMessage().contains("STANDARD"), variant.getMessage());
        GroupDroLoss six =
                GroupDroLoss.builder(
                                GroupSpec.builder(3, 2)
                                        .optGroupCounts(new long[] {1, 1, 1, 1, 1, 1})
                                        .build())
                        .build();
        IOException groups =
                assertThrows(
                        IOException.class,
                        () ->
                                six.loadState(
                                        new DataInputStream(
                                                new ByteArrayInputStream(bytes.toByteArray()))));
        assertTrue(groups.getMessage().contains("4 groups"), groups.getMessage());
        IOException garbage =
                assertThrows(
                        IOException.class,
                        () ->
                                restored.loadState(
                                        new DataInputStream(
                                                new ByteArrayInputStream(new byte[] {1, 2, 3, 4}))));
        assertTrue(garbage.getMessage().contains("magic"), garbage.getMessage());
    }

    @Test
    void automaticAdjustmentClampsNegativeGaps() {
        GroupDroLoss loss = GroupDroLoss.builder(spec()).build();
        try (NDManager manager = NDManager.newBaseManager()) {
            loss.update(losses(manager), groups(manager)); // EMA = [2, 2, 0, 0.5]
        }
        // gaps [3 - 2, 1 - 2, 1 - 0, 1 - 0.5] = [1, -1, 1, 0.5]; times sqrt(n) = [2, 1, 1, 2]
        loss.applyAutomaticAdjustment(new double[] {3, 1, 1, 1});
        assertArrayEquals(new double[] {2, 0, 1, 1}, loss.adjustments(), 1e-12);
    }

    @Test
    void builderRejectsBadConfigurations() {
        assertThrows(
                IllegalArgumentException.class,
                () -> GroupDroLoss.builder(GroupSpec.builder(2, 2).build()).build());
        assertThrows(
                IllegalArgumentException.class,
                () -> GroupDroLoss.builder(spec()).optBtl(true).optClassConditional(true).build());
        assertThrows(IllegalArgumentException.class, () -> GroupDroLoss.builder(spec()).optAlpha(0));
        assertThrows(
                IllegalArgumentException.class,
                () -> GroupDroLoss.builder(spec()).optGeneralizationAdjustment(new double[] {1}).build());
        assertThrows(
                IllegalArgumentException.class,
                () -> GroupDroLoss.builder(spec()).optGeneralizationAdjustment(-1));
    }

    static double sum(double[] values) {
        double total = 0;
        for (double v : values) {
            total += v;
        }
        return total;
    }

    @Test
    void aGroupOfAnotherClassThanTheLabelIsNamed() {
        GroupDroLoss loss = GroupDroLoss.builder(spec()).build();
        try (NDManager manager = NDManager.newBaseManager()) {
            NDList predictions = new NDList(manager.zeros(new Shape(4, 2)));
            // sample 1 has label 0 but group 2 = (y 1, a 0); sample 3 has an unknown group (-1), which is fine
            NDList labels =
                    new NDList(
                            manager.create(new long[] {0, 0, 1, 1}),
                            manager.create(new long[] {0, 2, 2, -1}),
                            manager.create(new long[] {0, 1, 2, 3}));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> loss.evaluate(labels, predictions));
            assertTrue(e.getMessage().contains("1 samples of the batch have a group id of another class"), e.getMessage());
        }
    }
}
