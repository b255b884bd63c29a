package dev.debias.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;

import dev.debias.data.GroupSpec;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

class GroupDroPropertiesTest {

    @Provide
    Arbitrary<GroupDroLoss.Variant> variants() {
        return Arbitraries.of(GroupDroLoss.Variant.class);
    }

    private static GroupDroLoss build(
            GroupSpec spec, GroupDroLoss.Variant variant, double eta, double c, boolean normalize) {
        return GroupDroLoss.builder(spec)
                .optStepSize(eta)
                .optGeneralizationAdjustment(c)
                .optNormalizeLoss(normalize)
                .optBtl(variant == GroupDroLoss.Variant.GREEDY)
                .optClassConditional(variant == GroupDroLoss.Variant.CLASS_CONDITIONAL)
                .optAlpha(0.3)
                .optMinVarWeight(0.1)
                .build();
    }

    /** A 2 x 3 spec whose counts come from {@code random}; some groups may be absent. */
    private static GroupSpec randomSpec(Random random) {
        long[] counts = new long[6];
        for (int g = 0; g < counts.length; g++) {
            counts[g] = random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(100);
        }
        counts[random.nextInt(6)] = 1 + random.nextInt(100);
        return GroupSpec.builder(2, 3).optGroupCounts(counts).build();
    }

    @Property(tries = 200)
    void weightsStayOnTheSimplex(
            @ForAll long seed,
            @ForAll("variants") GroupDroLoss.Variant variant,
            @ForAll @DoubleRange(min = 0, max = 5) double eta,
            @ForAll @DoubleRange(min = 0, max = 3) double c,
            @ForAll boolean normalize) {
        Random random = new Random(seed);
        GroupSpec spec = randomSpec(random);
        GroupDroLoss loss = build(spec, variant, eta, c, normalize);
        for (int step = 0; step < 30; step++) {
            double[] sums = new double[6];
            long[] counts = new long[6];
            for (int g = 0; g < 6; g++) {
                counts[g] = random.nextInt(4);
                sums[g] = counts[g] * 10 * random.nextDouble();
            }
            double[] w = loss.commit(sums, counts).weights();
            assertEquals(1, GroupDroLossTest.sum(w), 1e-9, Arrays.toString(w));
            for (int g = 0; g < 6; g++) {
                assertTrue(w[g] >= 0, Arrays.toString(w));
                if (spec.groupCount(g) == 0) {
                    assertEquals(0, w[g], "group absent from training: " + Arrays.toString(w));
                }
            }
            assertArrayEquals(w, loss.weights(), 1e-12);
        }
    }

    @Property(tries = 200)
    void weightsMoveTowardTheWorstGroup(
            @ForAll long seed, @ForAll @DoubleRange(min = 0.01, max = 2) double eta) {
        Random random = new Random(seed);
        GroupSpec spec = GroupSpec.builder(2, 2).optGroupCounts(new long[] {5, 1, 2, 9}).build();
        GroupDroLoss loss = build(spec, GroupDroLoss.Variant.STANDARD, eta, 0, false);
        double[] means = new double[4];
        for (int g = 0; g < 4; g++) {
            means[g] = g * 0.5 + random.nextDouble() * 0.4; // distinct, group 3 the worst
        }
        long[] counts = {1, 1, 1, 1};
        double[] before = loss.weights();
        for (int step = 0; step < 10; step++) {
            double[] after = loss.commit(means, counts).weights();
            // the worst group gains weight and the best loses it, at every step
            assertTrue(after[3] > before[3], Arrays.toString(after));
            assertTrue(after[0] < before[0], Arrays.toString(after));
            // the weight ratios rank the groups like their losses
            for (int g = 0; g < 3; g++) {
                assertTrue(after[g + 1] / before[g + 1] > after[g] / before[g]);
            }
            before = after;
        }
    }

    @Property(tries = 100)
    void oneGroupIsErm(
            @ForAll long seed,
            @ForAll @IntRange(min = 1, max = 8) int batch,
            @ForAll @IntRange(min = 2, max = 5) int classes) {
        Random random = new Random(seed);
        GroupDroLoss loss =
                GroupDroLoss.builder(GroupSpec.builder(1, 1).optGroupCounts(new long[] {7}).build())
                        .optGeneralizationAdjustment(0)
                        .build();
        try (NDManager manager = NDManager.newBaseManager()) {
            NDList labels = randomLabels(manager, random, batch, classes, 1);
            NDList predictions = new NDList(randomLogits(manager, random, batch, classes));
            float erm = new CrossEntropy().evaluate(labels, predictions).getFloat();
            assertEquals(erm, loss.evaluate(labels, predictions).getFloat(), 1e-5f);
            assertEquals(erm, loss.step(labels, predictions).loss().getFloat(), 1e-5f);
        }
    }

    @Property(tries = 100)
    void splitCommitEqualsFullCommit(
            @ForAll long seed,
            @ForAll @IntRange(min = 2, max = 12) int batch,
            @ForAll("variants") GroupDroLoss.Variant variant) {
        Random random = new Random(seed);
        GroupSpec spec = randomSpec(random);
        GroupDroLoss full = build(spec, variant, 0.5, 1, false);
        GroupDroLoss split = build(spec, variant, 0.5, 1, false);
        int cut = 1 + random.nextInt(batch - 1);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDList labels = randomLabels(manager, random, batch, 2, 6);
            NDArray logits = randomLogits(manager, random, batch, 2);
            NDArray logitsCopy = logits.duplicate();
            logits.setRequiresGradient(true);
            logitsCopy.setRequiresGradient(true);

            GroupDroStep step;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                step = full.step(labels, new NDList(logits));
                collector.backward(step.loss());
            }
            RobustWeights committed;
            float splitLoss;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                String first = "0:" + cut;
                String second = cut + ":";
                GroupSums a =
                        split.groupSums(slice(labels, first), new NDList(logitsCopy.get(first)));
                GroupSums b =
                        split.groupSums(slice(labels, second), new NDList(logitsCopy.get(second)));
                committed = split.commit(List.of(a, b));
                NDArray total =
                        split.robustLoss(a, committed)
                                .add(split.robustLoss(b, committed))
                                .add((float) committed.adjustmentOffset());
                splitLoss = total.getFloat();
                collector.backward(total);
            }
            assertArrayEquals(step.weights().weights(), committed.weights(), 1e-7);
            assertArrayEquals(full.weights(), split.weights(), 1e-7);
            assertArrayEquals(full.groupLossEma(), split.groupLossEma(), 1e-6);
            assertEquals(step.loss().getFloat(), splitLoss, 1e-5f);
            try (NDArray g1 = logits.getGradient();
                    NDArray g2 = logitsCopy.getGradient()) {
                assertArrayEquals(g1.toFloatArray(), g2.toFloatArray(), 1e-6f);
            }
        }
    }

    @Property(tries = 100)
    void evaluateIsPure(
            @ForAll long seed,
            @ForAll @IntRange(min = 1, max = 10) int batch,
            @ForAll("variants") GroupDroLoss.Variant variant) {
        Random random = new Random(seed);
        GroupSpec spec = randomSpec(random);
        GroupDroLoss loss = build(spec, variant, 0.3, 0.5, true);
        double[] sums = {1, 2, 0.5, 3, 0, 1};
        long[] counts = {1, 2, 1, 3, 0, 1};
        loss.commit(sums, counts);
        double[] weights = loss.weights();
        double[] ema = loss.groupLossEma();
        try (NDManager manager = NDManager.newBaseManager()) {
            NDList labels = randomLabels(manager, random, batch, 2, 6);   // the spec's 2 classes x 3 attributes
            NDList predictions = new NDList(randomLogits(manager, random, batch, 3));
            float first = loss.evaluate(labels, predictions).getFloat();
            float second = loss.evaluate(labels, predictions).getFloat();
            assertEquals(first, second);
            assertArrayEquals(weights, loss.weights(), 0);
            assertArrayEquals(ema, loss.groupLossEma(), 0);
            assertEquals(1, loss.numSteps());
        }
    }

    private static NDList slice(NDList labels, String range) {
        NDList out = new NDList();
        for (NDArray column : labels) {
            out.add(column.get(range));
        }
        return out;
    }

    /**
     * Labels [y, g, i] with y in [0, classes) and g in [-1, groups); when the groups split evenly
     * into the classes, g is y's (g = y * A + a, or -1), as a GroupedDataset makes them.
     */
    static NDList randomLabels(
            NDManager manager, Random random, int batch, int classes, int groups) {
        long[] y = new long[batch];
        long[] g = new long[batch];
        long[] i = new long[batch];
        int attributes = groups % classes == 0 ? groups / classes : 0;
        for (int s = 0; s < batch; s++) {
            y[s] = random.nextInt(classes);
            if (groups == 1) {
                g[s] = 0;
            } else if (attributes > 0) {
                int a = random.nextInt(attributes + 1) - 1;
                g[s] = a < 0 ? -1 : y[s] * attributes + a;
            } else {
                g[s] = random.nextInt(groups + 1) - 1;
            }
            i[s] = s;
        }
        return new NDList(manager.create(y), manager.create(g), manager.create(i));
    }

    static NDArray randomLogits(NDManager manager, Random random, int batch, int classes) {
        float[][] logits = new float[batch][classes];
        for (float[] row : logits) {
            for (int k = 0; k < classes; k++) {
                row[k] = (float) (random.nextGaussian() * 3);
            }
        }
        return manager.create(logits);
    }
}
