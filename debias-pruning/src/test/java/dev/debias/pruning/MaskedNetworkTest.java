package dev.debias.pruning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;

import dev.debias.model.ColoredMnistMlp;
import dev.debias.model.ResNet18;
import dev.debias.model.SmallCnn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

class MaskedNetworkTest {

    private static final Shape CNN_INPUT = new Shape(2, 3, 28, 28);

    private static MaskedNetwork initialisedCnn(NDManager manager, MaskNoise noise) {
        MaskedNetwork network = MaskedNetwork.builder().setNetwork(SmallCnn.dcwp().build()).optNoise(noise).build();
        network.initialize(manager, DataType.FLOAT32, CNN_INPUT);
        return network;
    }

    @Test
    void everyConvolutionAndTheLinearLayerGetScoresOfTheirWeightsShapeStartingAt1point5() {
        try (NDManager manager = NDManager.newBaseManager()) {
            MaskedNetwork network = initialisedCnn(manager, MaskNoise.ON_PROBABILITY);
            assertEquals(4, network.maskedParameterNames().size(), network.maskedParameterNames().toString());
            for (String name : network.maskedParameterNames()) {
                assertTrue(name.endsWith("weight"), name);
            }
            NDList scores = network.scoreArrays();
            assertEquals(new Shape(64, 3, 4, 4), scores.get(0).getShape());
            assertEquals(new Shape(10, 256), scores.get(3).getShape());
            for (NDArray s : scores) {
                assertEquals(1.5f, s.min().getFloat());
                assertEquals(1.5f, s.max().getFloat());
            }
            assertEquals(1.0, network.report().keptRatio());
        }
    }

    @Test
    void resNet18IsMaskedInEveryConvolutionIncludingTheDownsamplingOnesAndTheLinearLayerButNoBatchNorm() {
        try (NDManager manager = NDManager.newBaseManager()) {
            MaskedNetwork network = MaskedNetwork.of(ResNet18.small(10));
            network.initialize(manager, DataType.FLOAT32, new Shape(2, 3, 32, 32));
            // 1 stem + 16 block convolutions + 3 downsampling 1x1 convolutions + the final linear layer.
            List<String> names = network.maskedParameterNames();
            assertEquals(21, names.size(), names.toString());
            for (String name : names) {
                assertTrue(name.endsWith("weight"), name);
            }
            NDList scores = network.scoreArrays();
            long oneByOne = scores.stream().filter(a -> a.getShape().dimension() == 4
                    && a.getShape().get(2) == 1 && a.getShape().get(3) == 1).count();
            assertEquals(3, oneByOne);
            assertEquals(new Shape(10, ResNet18.FEATURE_DIMENSION), scores.get(scores.size() - 1).getShape());
            network.setState(MaskState.FIXED);
            NDList out = network.forward(new ParameterStore(manager, false), new NDList(manager.ones(new Shape(2, 3, 32, 32))), false);
            assertEquals(new Shape(2, 10), out.get(0).getShape());
            assertEquals(new Shape(2, ResNet18.FEATURE_DIMENSION), out.get(1).getShape());
        }
    }

    @Test
    void aNetworkWithoutMaskableParametersIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MaskedNetwork.builder().setNetwork(SmallCnn.dcwp().build()).optMaskedParameters(p -> false).build());
        assertTrue(e.getMessage().contains("no parameter to mask"), e.getMessage());
    }

    @Test
    void theStraightThroughGradientReachesTheScoresAndNotTheFrozenWeights() {
        try (NDManager manager = NDManager.newBaseManager()) {
            MaskedNetwork network = initialisedCnn(manager, MaskNoise.ON_PROBABILITY);
            network.setState(MaskState.SAMPLED);
            NDArray x = manager.randomUniform(0f, 1f, CNN_INPUT);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDList out = network.forward(new ParameterStore(manager, false), new NDList(x), true);
                collector.backward(out.head().square().sum());
            }
            for (NDArray s : network.scoreArrays()) {
                assertTrue(s.hasGradient());
                assertTrue(s.getGradient().abs().sum().getFloat() > 0, "a score got no gradient");
            }
            for (Pair<String, Parameter> p : network.network().getParameters()) {
                assertFalse(p.getValue().requiresGradient(), p.getKey() + " is trainable while the masks are learnt");
            }
            network.setState(MaskState.FIXED);
            assertTrue(network.network().getParameters().get(0).getValue().requiresGradient());
            for (Parameter p : network.maskedParameters()) {
                assertTrue(p.requiresGradient());
            }
            for (Pair<String, Parameter> p : network.getParameters()) {
                if (network.scoreNames().test(p.getKey())) {
                    assertFalse(p.getValue().requiresGradient(), p.getKey());
                }
            }
            assertEquals(4, network.getParameters().keys().stream().filter(network.scoreNames()).count());
        }
    }

    @Test
    void theFixedMaskIsUsedInInferenceAndDropsExactlyTheNegativeScores() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ColoredMnistMlp mlp = ColoredMnistMlp.builder().setHiddenSizes(4).setNumClasses(2).optInputSize(3).build();
            MaskedNetwork network = MaskedNetwork.of(mlp);
            network.initialize(manager, DataType.FLOAT32, new Shape(1, 3));
            NDArray scores = network.scoreArrays().get(0);
            // Prune every weight into the first hidden unit but one.
            scores.set(new ai.djl.ndarray.index.NDIndex("0, 1:"), -1f);
            network.setState(MaskState.SAMPLED);
            NDArray x = manager.create(new float[] {1, 2, 3}, new Shape(1, 3));
            ParameterStore store = new ParameterStore(manager, false);
            float[] inference = network.forward(store, new NDList(x), false).head().toFloatArray();
            network.setState(MaskState.FIXED);
            float[] fixed = network.forward(store, new NDList(x), true).head().toFloatArray();
            assertArrayEquals(fixed, inference, 0f);
            network.setState(MaskState.OFF);
            NDArray w = network.network().getParameters().get(0).getValue().getArray();
            float[] saved = w.toFloatArray();
            w.set(new ai.djl.ndarray.index.NDIndex("0, 1:"), 0f);
            float[] manual = network.forward(store, new NDList(x), false).head().toFloatArray();
            assertArrayEquals(manual, fixed, 1e-6f);
            w.set(saved);
            MaskReport report = network.report();
            assertEquals(10, report.layers().get(0).kept());
            assertEquals(12, report.layers().get(0).total());
        }
    }

    @Test
    void theKeepRateWhileSamplingFollowsTheNoiseRule() {
        // Score 1.5: keep probability sigmoid(sigmoid(1.5)) = 0.694 with the reference's noise,
        // sigmoid(1.5) = 0.818 with the Gumbel-sigmoid on the logit.
        assertEquals(0.694, keptWhileSampling(MaskNoise.ON_PROBABILITY), 0.01);
        assertEquals(0.818, keptWhileSampling(MaskNoise.ON_LOGIT), 0.01);
    }

    private static double keptWhileSampling(MaskNoise noise) {
        try (NDManager manager = NDManager.newBaseManager()) {
            ColoredMnistMlp mlp = ColoredMnistMlp.builder().setHiddenSizes(200).setNumClasses(2).optInputSize(200).build();
            MaskedNetwork network = MaskedNetwork.builder().setNetwork(mlp).optNoise(noise).build();
            network.initialize(manager, DataType.FLOAT32, new Shape(1, 200));
            // With all-ones weights, zero biases and the identity as input, the first layer outputs
            // the (transposed) sampled mask, scaled by the MLP's input scale.
            for (Pair<String, Parameter> p : mlp.getParameters()) {
                NDArray a = p.getValue().getArray();
                a.set(p.getKey().endsWith("weight") ? a.onesLike().toFloatArray() : a.zerosLike().toFloatArray());
            }
            network.setState(MaskState.SAMPLED);
            Engine.getInstance().setRandomSeed(3);
            NDArray features = network.forward(new ParameterStore(manager, false), new NDList(manager.eye(200)), true).get(1);
            return features.gt(0f).toType(DataType.FLOAT32, false).mean().getFloat();
        }
    }

    @Test
    void theSameSeedDrawsTheSameMask() {
        try (NDManager manager = NDManager.newBaseManager()) {
            MaskedNetwork network = initialisedCnn(manager, MaskNoise.ON_PROBABILITY);
            network.setState(MaskState.SAMPLED);
            NDArray x = manager.randomUniform(0f, 1f, CNN_INPUT);
            ParameterStore store = new ParameterStore(manager, false);
            Engine.getInstance().setRandomSeed(11);
            float[] a = network.forward(store, new NDList(x), true).head().toFloatArray();
            Engine.getInstance().setRandomSeed(11);
            float[] b = network.forward(store, new NDList(x), true).head().toFloatArray();
            Engine.getInstance().setRandomSeed(12);
            float[] c = network.forward(store, new NDList(x), true).head().toFloatArray();
            assertArrayEquals(a, b, 0f);
            assertFalse(java.util.Arrays.equals(a, c));
        }
    }

    @Test
    void theExportedBackboneHasZerosExactlyWhereTheMaskIsZeroAndPredictsTheSame(@TempDir Path tmp) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            MaskedNetwork network = initialisedCnn(manager, MaskNoise.ON_PROBABILITY);
            for (NDArray s : network.scoreArrays()) {
                s.set(manager.randomNormal(s.getShape()).toFloatArray());
            }
            network.setState(MaskState.FIXED);
            NDArray x = manager.randomUniform(0f, 1f, CNN_INPUT);
            float[] masked = network.forward(new ParameterStore(manager, false), new NDList(x), false).head().toFloatArray();
            Path dir = tmp.resolve("pruned");
            MaskReport report = PrunedModels.export(network, SmallCnn.dcwp().build(), CNN_INPUT, dir, "pruned");
            assertTrue(report.keptRatio() > 0.3 && report.keptRatio() < 0.7, "kept " + report.keptRatio());
            try (Model plain = Model.newInstance("pruned")) {
                plain.setBlock(SmallCnn.dcwp().build());
                plain.load(dir, "pruned");
                NDList masks = network.fixedMasks(manager);
                var params = plain.getBlock().getParameters();
                var trained = network.network().getParameters();
                for (int k = 0; k < masks.size(); k++) {
                    String name = network.maskedParameterNames().get(k);
                    NDArray w = params.get(name).getArray();
                    NDArray original = trained.get(name).getArray();
                    NDArray pruned = masks.get(k).eq(0f);
                    // Exact zeros where the mask is zero, the trained weight bit for bit elsewhere (an
                    // initial weight may itself be exactly zero, so "zeros only where pruned" is no rule).
                    assertTrue(w.eq(0f).logicalOr(pruned.logicalNot()).all().getBoolean(), "a pruned weight is not zero in layer " + k);
                    assertTrue(w.eq(original).logicalOr(pruned).all().getBoolean(), "a kept weight changed in layer " + k);
                }
                try (NDManager scope = plain.getNDManager().newSubManager()) {
                    NDArray xs = scope.create(x.toFloatArray(), x.getShape());
                    float[] exported = plain.getBlock().forward(new ParameterStore(scope, false), new NDList(xs), false).head().toFloatArray();
                    assertArrayEquals(masked, exported, 1e-5f);
                }
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> PrunedModels.export(network, SmallCnn.dcwp().build(), CNN_INPUT, dir, "pruned"));
            assertTrue(e.getMessage().contains("already holds files"), e.getMessage());
        }
    }
}
