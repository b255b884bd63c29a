package dev.debias.gan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;

import dev.debias.data.GroupedArrayDataset;
import dev.debias.data.GroupedLabels;
import dev.debias.loss.CrossEntropy;
import dev.debias.loss.GeneralizedCrossEntropyLoss;
import dev.debias.train.OptimizerConfig;
import dev.debias.train.PerSampleEma;
import dev.debias.train.RelativeDifficulty;
import dev.debias.train.TrainedModel;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.function.Function;
import java.util.function.Predicate;

/** DisEnt's stop-gradients and swap semantics, checked on the real gradients and values. */
class DisEntLossesTest {

    private GroupedArrayDataset data;
    private Model model;
    private DisEntModel network;
    private TrainedModel trained;
    private NDManager manager;
    private GeneralizedCrossEntropyLoss gce;
    private final DisEntConfig config = DisEntConfig.builder().optLambdas(10, 10, 1).build();

    @BeforeEach
    void setUp() {
        data = ToyData.train(64, 0.1, 3);
        model = Model.newInstance("disent-losses");
        network = ToyData.model();
        model.setBlock(network);
        OptimizerConfig adam = OptimizerConfig.adam(1e-3f).build();
        trained =
                TrainedModel.builder().setName("disent").setModel(model).setInputShapes(ToyData.INPUT)
                        .addOptimizer("intrinsic", adam, network.intrinsicParameters())
                        .addOptimizer("bias", adam, network.biasParameters())
                        .build();
        manager = NDManager.newBaseManager();
        gce = new GeneralizedCrossEntropyLoss();
    }

    @AfterEach
    void tearDown() {
        trained.close();
        model.close();
        manager.close();
        data.close();
    }

    private PerSampleEma ema(String name) {
        return new PerSampleEma(name, data.labels(), 2, 0.7f, manager.getDevice());
    }

    private NDArray[] batch() {
        long[] indices = new long[16];
        for (int i = 0; i < 16; i++) {
            indices[i] = i;
        }
        NDArray x = data.features(manager, indices);
        NDList labels = data.labelColumns(manager, indices);
        return new NDArray[] {x, labels.get(GroupedLabels.LABEL), labels.get(GroupedLabels.INDEX)};
    }

    private NDArray permutation() {
        return manager.create(new long[] {3, 7, 0, 12, 5, 1, 15, 9, 2, 14, 4, 11, 6, 10, 13, 8});
    }

    /** Back-propagates one term alone and reports which parameters got a non-zero gradient. */
    private void assertGradientFlow(Function<DisEntLosses, NDArray> term, Predicate<String> expectGradient) {
        NDArray[] b = batch();
        try (PerSampleEma ei = ema("i");
                PerSampleEma eb = ema("b");
                GradientCollector gc = trained.trainer().newGradientCollector()) {
            DisEntLosses losses =
                    DisEntLosses.compute(network, new ParameterStore(manager, false), b[0], b[1], b[2], ei, eb, gce, config, permutation());
            gc.backward(term.apply(losses));
        }
        for (Pair<String, Parameter> p : network.getParameters()) {
            try (NDArray g = p.getValue().getArray().getGradient()) {
                float norm = g.abs().sum().getFloat();
                if (expectGradient.test(p.getKey())) {
                    assertTrue(norm > 0, p.getKey() + " should get a gradient");
                } else {
                    assertEquals(0f, norm, 0f, p.getKey() + " must get no gradient");
                }
                g.subi(g);
            }
        }
    }

    @Test
    void theBiasBranchLossesNeverReachTheIntrinsicEncoderOrClassifier() {
        assertGradientFlow(DisEntLosses::bias, network.biasParameters());
        assertGradientFlow(DisEntLosses::swapBias, network.biasParameters());
    }

    @Test
    void theIntrinsicBranchLossesNeverReachTheBiasEncoderOrClassifier() {
        assertGradientFlow(DisEntLosses::intrinsic, network.intrinsicParameters());
        assertGradientFlow(DisEntLosses::swapIntrinsic, network.intrinsicParameters());
    }

    @Test
    void swappedLossesUseOriginalLabelsAndWeightsForCiAndPermutedLabelsForCb() {
        NDArray[] b = batch();
        NDArray x = b[0];
        NDArray y = b[1];
        NDArray index = b[2];
        NDArray pi = permutation();
        ParameterStore ps = new ParameterStore(manager, false);
        try (PerSampleEma ei = ema("i");
                PerSampleEma eb = ema("b");
                PerSampleEma ei2 = ema("i2");
                PerSampleEma eb2 = ema("b2")) {
            DisEntLosses losses = DisEntLosses.compute(network, ps, x, y, index, ei, eb, gce, config, pi);
            // by hand, in inference-free training mode (the MLP has no dropout or batch norm)
            NDArray zi = network.intrinsicFeatures(ps, x, true);
            NDArray zb = network.biasFeatures(ps, x, true);
            NDArray ceConflict = CrossEntropy.ofLogits(network.classifyIntrinsic(ps, zi.concat(zb, 1), true), y);
            NDArray ceAlign = CrossEntropy.ofLogits(network.classifyBias(ps, zi.concat(zb, 1), true), y);
            NDArray w = RelativeDifficulty.weights(eb2.updateAndNormalize(ceAlign, index, y), ei2.updateAndNormalize(ceConflict, index, y));
            NDArray zbSwapped = zb.get(pi);
            float swapIntrinsic =
                    CrossEntropy.ofLogits(network.classifyIntrinsic(ps, zi.concat(zbSwapped, 1), true), y).mul(w).mean().getFloat();
            float swapBias = gce.ofLogits(network.classifyBias(ps, zi.concat(zbSwapped, 1), true), y.get(pi)).mean().getFloat();
            float withOriginalLabels = gce.ofLogits(network.classifyBias(ps, zi.concat(zbSwapped, 1), true), y).mean().getFloat();
            assertEquals(swapIntrinsic, losses.swapIntrinsic().getFloat(), 1e-6f);
            assertEquals(swapBias, losses.swapBias().getFloat(), 1e-6f);
            assertTrue(Math.abs(withOriginalLabels - swapBias) > 1e-4, "the permutation must change the bias labels");
            float total = losses.intrinsic().getFloat() + 10 * losses.bias().getFloat() + swapIntrinsic + 10 * swapBias;
            assertEquals(total, losses.total().getFloat(), 1e-4f);
        }
    }

    @Test
    void withoutPermutationThereIsNoSwapTerm() {
        NDArray[] b = batch();
        try (PerSampleEma ei = ema("i"); PerSampleEma eb = ema("b")) {
            DisEntLosses losses =
                    DisEntLosses.compute(network, new ParameterStore(manager, false), b[0], b[1], b[2], ei, eb, gce, config, null);
            assertEquals(null, losses.swapIntrinsic());
            assertEquals(losses.intrinsic().getFloat() + 10 * losses.bias().getFloat(), losses.total().getFloat(), 1e-5f);
        }
    }
}
