package dev.debias.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;

import org.junit.jupiter.api.Test;

/** Global-norm clipping of {@link OptimizerConfig#maxGradientNorm()} on the real gradients. */
class GradientClippingTest {

    /** One SGD step (lr 1, no momentum) of the loss sum(w . x) from w = (1, 1), x = (3, 4). */
    private static float[] stepFrom(OptimizerConfig config) {
        try (Model model = Model.newInstance("clip", Device.cpu())) {
            model.setBlock(Linear.builder().setUnits(1).optBias(false).build());
            try (TrainedModel trained = TrainedModel.create("clip", model, config, new Shape(1, 2));
                    NDManager manager = NDManager.newBaseManager()) {
                NDArray weight = model.getBlock().getParameters().get(0).getValue().getArray();
                weight.set(new float[] {1f, 1f});
                NDArray x = manager.create(new float[] {3f, 4f}, new Shape(1, 2));
                try (GradientCollector collector = trained.trainer().newGradientCollector()) {
                    NDArray loss = trained.trainer().forward(new NDList(x)).head().sum();
                    collector.backward(loss);
                }
                trained.step();
                return weight.toFloatArray();
            }
        }
    }

    private static OptimizerConfig.Builder sgd() {
        return OptimizerConfig.sgd(1f).optMomentum(0f);
    }

    @Test
    void scalesTheGradientToTheBound() {
        // gradient (3, 4), norm 5, bound 1: (0.6, 0.8)
        assertArrayEquals(new float[] {0.4f, 0.2f}, stepFrom(sgd().optMaxGradientNorm(1f).build()), 1e-6f);
    }

    @Test
    void leavesASmallGradientAlone() {
        assertArrayEquals(new float[] {-2f, -3f}, stepFrom(sgd().optMaxGradientNorm(100f).build()), 1e-6f);
        assertArrayEquals(new float[] {-2f, -3f}, stepFrom(sgd().build()), 1e-6f);
    }

    @Test
    void includesTheWeightDecayInTheNorm() {
        // g + wd w = (3.5, 4.5), norm sqrt(32.5): w - (3.5, 4.5) / sqrt(32.5)
        double norm = Math.sqrt(32.5);
        float[] expected = {(float) (1 - 3.5 / norm), (float) (1 - 4.5 / norm)};
        assertArrayEquals(expected, stepFrom(sgd().optWeightDecay(0.5f).optMaxGradientNorm(1f).build()), 1e-6f);
        // without clipping the decay is the optimiser's own: w - (3.5, 4.5)
        assertArrayEquals(new float[] {-2.5f, -3.5f}, stepFrom(sgd().optWeightDecay(0.5f).build()), 1e-6f);
        // with a bound above the norm, the decay is counted exactly once
        assertArrayEquals(
                new float[] {-2.5f, -3.5f}, stepFrom(sgd().optWeightDecay(0.5f).optMaxGradientNorm(100f).build()), 1e-6f);
    }
}
