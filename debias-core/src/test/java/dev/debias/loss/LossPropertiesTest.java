package dev.debias.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import dev.debias.loss.GeneralizedCrossEntropyLoss.Form;
import dev.debias.loss.L1MaskSparsityLoss.Mode;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.FloatRange;
import net.jqwik.api.constraints.IntRange;

import java.util.Arrays;
import java.util.Random;

class LossPropertiesTest {

    @Property(tries = 100)
    void paperGceTendsToCrossEntropy(
            @ForAll long seed,
            @ForAll @IntRange(min = 1, max = 8) int batch,
            @ForAll @IntRange(min = 2, max = 6) int classes) {
        Random random = new Random(seed);
        float q = 1e-3f;
        try (NDManager manager = NDManager.newBaseManager()) {
            NDList labels = GroupDroPropertiesTest.randomLabels(manager, random, batch, classes, 1);
            NDList predictions =
                    new NDList(GroupDroPropertiesTest.randomLogits(manager, random, batch, classes));
            float[] ce = new CrossEntropy().perSample(labels, predictions).toFloatArray();
            float[] gce =
                    new GeneralizedCrossEntropyLoss(q, Form.PAPER)
                            .perSample(labels, predictions)
                            .toFloatArray();
            for (int i = 0; i < batch; i++) {
                // (1 - e^{-q CE}) / q = CE - q CE^2 / 2 + ..., so the gap is at most q CE^2 / 2
                double bound = q * ce[i] * ce[i] / 2 + 1e-4;
                assertTrue(
                        Math.abs(gce[i] - ce[i]) <= bound,
                        "CE " + ce[i] + " GCE " + gce[i] + " bound " + bound);
            }
        }
    }

    @Property(tries = 100)
    void paperGceIsBoundedByOneOverQ(
            @ForAll long seed,
            @ForAll @FloatRange(min = 0.05f, max = 1f) float q,
            @ForAll @IntRange(min = 1, max = 8) int batch) {
        Random random = new Random(seed);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDList labels = GroupDroPropertiesTest.randomLabels(manager, random, batch, 4, 1);
            NDArray logits = GroupDroPropertiesTest.randomLogits(manager, random, batch, 4).mul(5);
            float[] gce =
                    new GeneralizedCrossEntropyLoss(q, Form.PAPER)
                            .perSample(labels, new NDList(logits))
                            .toFloatArray();
            for (float value : gce) {
                assertTrue(value >= 0 && value <= 1 / q + 1e-6f, value + " vs 1/q = " + 1 / q);
            }
        }
    }

    @Property(tries = 50)
    void lffAndPaperGradientsAreParallel(
            @ForAll long seed,
            @ForAll @FloatRange(min = 0.05f, max = 1f) float q,
            @ForAll @IntRange(min = 1, max = 6) int batch) {
        Random random = new Random(seed);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDList labels = GroupDroPropertiesTest.randomLabels(manager, random, batch, 3, 1);
            NDArray logits = GroupDroPropertiesTest.randomLogits(manager, random, batch, 3);
            float[] paper = gceGradient(labels, logits, q, Form.PAPER);
            float[] lff = gceGradient(labels, logits, q, Form.LFF);
            for (int j = 0; j < paper.length; j++) {
                // LFF gradient = q * paper gradient
                assertEquals(q * paper[j], lff[j], 1e-6f + 1e-4f * Math.abs(lff[j]));
            }
        }
    }

    private static float[] gceGradient(NDList labels, NDArray logits, float q, Form form) {
        NDArray x = logits.duplicate();
        x.setRequiresGradient(true);
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            collector.backward(
                    new GeneralizedCrossEntropyLoss(q, form).evaluate(labels, new NDList(x)));
        }
        try (NDArray grad = x.getGradient()) {
            return grad.toFloatArray();
        }
    }

    @Property(tries = 100)
    void unitWeightsGiveCrossEntropy(
            @ForAll long seed, @ForAll @IntRange(min = 1, max = 8) int batch) {
        Random random = new Random(seed);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDList labels = GroupDroPropertiesTest.randomLabels(manager, random, batch, 3, 4);
            labels.add(manager.ones(new Shape(batch)));
            NDList predictions =
                    new NDList(GroupDroPropertiesTest.randomLogits(manager, random, batch, 3));
            float ce = new CrossEntropy().evaluate(labels, predictions).getFloat();
            float column =
                    WeightedCrossEntropyLoss.builder().build().evaluate(labels, predictions).getFloat();
            assertEquals(ce, column, 1e-6f);
            // a table of ones weighs every known group 1; unknown groups (-1) count 0 but still
            // divide by B, so compare against the CE of the known samples scaled by their share
            float[] perSample = new CrossEntropy().perSample(labels, predictions).toFloatArray();
            long[] groups = labels.get(1).toLongArray();
            double known = 0;
            for (int i = 0; i < batch; i++) {
                known += groups[i] >= 0 ? perSample[i] : 0;
            }
            float table =
                    WeightedCrossEntropyLoss.builder()
                            .optGroupWeights(new double[] {1, 1, 1, 1})
                            .build()
                            .evaluate(labels, predictions)
                            .getFloat();
            assertEquals(known / batch, table, 1e-5);
        }
    }

    @Property(tries = 100)
    void klIsNonNegativeAndZeroOnlyForEqualDistributions(
            @ForAll long seed, @ForAll @IntRange(min = 2, max = 6) int classes) {
        Random random = new Random(seed);
        try (NDManager manager = NDManager.newBaseManager()) {
            // logits in [-5, 5] keep every probability above the 1e-7 clip
            NDArray p = uniformLogits(manager, random, 4, classes).softmax(1);
            NDArray r = uniformLogits(manager, random, 4, classes).softmax(1);
            float[] kl = SubgroupConsistencyLoss.klDivergence(p, r).toFloatArray();
            float[] self = SubgroupConsistencyLoss.klDivergence(p, p).toFloatArray();
            float[] l1 = p.sub(r).abs().sum(new int[] {1}).toFloatArray();
            for (int i = 0; i < 4; i++) {
                assertEquals(0f, self[i], 1e-6f);
                // Pinsker: KL >= ||p - r||_1^2 / 2, so it is positive whenever p != r
                assertTrue(kl[i] >= l1[i] * l1[i] / 2 - 1e-5f, kl[i] + " vs L1 " + l1[i]);
            }
            NDList same = new NDList(p.log(), p.log(), p.log());
            for (SubgroupConsistencyLoss.Type type : SubgroupConsistencyLoss.Type.values()) {
                float value = new SubgroupConsistencyLoss(type, 1).evaluate(null, same).getFloat();
                assertEquals(0f, value, 1e-6f, type.toString());
            }
        }
    }

    private static NDArray uniformLogits(
            NDManager manager, Random random, int rows, int classes) {
        float[][] logits = new float[rows][classes];
        for (float[] row : logits) {
            for (int k = 0; k < classes; k++) {
                row[k] = (float) (random.nextDouble() * 10 - 5);
            }
        }
        return manager.create(logits);
    }

    @Property(tries = 100)
    void maskSparsityIsMonotoneInTheScores(
            @ForAll long seed, @ForAll @IntRange(min = 1, max = 20) int size) {
        Random random = new Random(seed);
        float[] scores = new float[size];
        float[] raised = new float[size];
        float[] stretched = new float[size];
        for (int j = 0; j < size; j++) {
            scores[j] = (float) (random.nextGaussian() * 2);
            raised[j] = scores[j] + (float) random.nextDouble();
            stretched[j] = scores[j] * (1 + (float) random.nextDouble());
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            NDList base = new NDList(manager.create(scores));
            NDList up = new NDList(manager.create(raised));
            NDList away = new NDList(manager.create(stretched));
            String context = Arrays.toString(scores);
            for (Mode mode : new Mode[] {Mode.RAW, Mode.SIGMOID}) {
                assertTrue(penalty(up, mode) >= penalty(base, mode) - 1e-5f, mode + context);
            }
            assertTrue(penalty(away, Mode.ABS) >= penalty(base, Mode.ABS) - 1e-5f, context);
            assertTrue(L1MaskSparsityLoss.keptRatio(up) >= L1MaskSparsityLoss.keptRatio(base));
            assertEquals(
                    1,
                    L1MaskSparsityLoss.keptRatio(base) + L1MaskSparsityLoss.sparsity(base),
                    1e-12);
        }
    }

    private static float penalty(NDList scores, Mode mode) {
        return new L1MaskSparsityLoss(scores, mode, 0.5f).evaluate(null, null).getFloat();
    }
}
