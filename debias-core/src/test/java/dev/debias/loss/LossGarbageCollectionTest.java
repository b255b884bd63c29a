package dev.debias.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.training.loss.Loss;

import dev.debias.data.GroupSpec;
import dev.debias.loss.GeneralizedCrossEntropyLoss.Form;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Every loss's gradient is the same whether or not a garbage collection runs between its forward
 * and the backward: no constant of a loss lives in memory the JVM frees while the graph still
 * holds it (see {@code dev.debias.ndarray.Scalars}).
 */
class LossGarbageCollectionTest {

    private static final int BATCH = 8;

    private static List<Loss> losses() {
        GroupSpec spec = GroupSpec.builder(2, 2).optGroupCounts(new long[] {4, 1, 1, 4}).build();
        List<Loss> all = new ArrayList<>();
        all.add(new CrossEntropy());
        all.add(new GeneralizedCrossEntropyLoss(0.7f, Form.PAPER));
        all.add(new GeneralizedCrossEntropyLoss(0.7f, Form.LFF));
        all.add(WeightedCrossEntropyLoss.builder().build());
        all.add(WeightedCrossEntropyLoss.builder().optNormalizeBySumOfWeights(true).build());
        all.add(GroupDroLoss.builder(spec).optStepSize(0.1).build());
        for (SubgroupConsistencyLoss.Type type : SubgroupConsistencyLoss.Type.values()) {
            all.add(new SubgroupConsistencyLoss(type, 1.5f));
        }
        return all;
    }

    /** The gradients of every prediction, optionally with a collection before the backward. */
    private static float[][] gradients(Loss loss, boolean collect) throws InterruptedException {
        try (NDManager manager = NDManager.newBaseManager()) {
            Random random = new Random(7);
            NDList labels = GroupDroPropertiesTest.randomLabels(manager, random, BATCH, 2, 4);
            float[] weights = new float[BATCH];
            for (int i = 0; i < BATCH; i++) {
                weights[i] = 0.25f + random.nextFloat();
            }
            labels.add(manager.create(weights)); // the WEIGHT column; the other losses ignore it
            int views = loss instanceof SubgroupConsistencyLoss ? 3 : 1;
            NDList predictions = new NDList();
            for (int v = 0; v < views; v++) {
                NDArray logits = GroupDroPropertiesTest.randomLogits(manager, random, BATCH, 2);
                logits.setRequiresGradient(true);
                predictions.add(logits);
            }
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray value = loss.evaluate(labels, predictions);
                if (collect) {
                    System.gc();
                    Thread.sleep(50);
                    for (int i = 0; i < 64; i++) {
                        ByteBuffer.allocateDirect(4 + i % 8).putFloat(0, -1f);
                    }
                }
                collector.backward(value);
            }
            float[][] out = new float[views][];
            for (int v = 0; v < views; v++) {
                out[v] = predictions.get(v).getGradient().toFloatArray();
            }
            return out;
        }
    }

    @Test
    void gradientsDoNotDependOnWhenTheGarbageCollectorRuns() throws InterruptedException {
        for (Loss loss : losses()) {
            float[][] quiet = gradients(loss, false);
            float[][] collected = gradients(loss, true);
            for (int v = 0; v < quiet.length; v++) {
                assertArrayEquals(quiet[v], collected[v], loss.getName() + ", prediction " + v);
            }
        }
    }
}
