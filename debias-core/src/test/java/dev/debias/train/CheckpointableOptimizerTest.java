package dev.debias.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

class CheckpointableOptimizerTest {

    private static SequentialBlock block() {
        return new SequentialBlock()
                .add(Linear.builder().setUnits(4).build())
                .add(Activation.reluBlock())
                .add(Linear.builder().setUnits(3).build());
    }

    /** Trains 5 steps of L2 regression with the given optimiser; returns the first weight. */
    private static float[] train(Optimizer optimizer, int steps) {
        Engine.getInstance().setRandomSeed(3);
        try (Model model = Model.newInstance("opt", Device.cpu())) {
            model.setBlock(block());
            try (Trainer trainer =
                    model.newTrainer(new DefaultTrainingConfig(Loss.l2Loss()).optOptimizer(optimizer))) {
                trainer.initialize(new Shape(2, 5));
                NDManager m = trainer.getManager();
                NDArray x = m.create(new float[] {1, 2, 3, 4, 5, -1, 0.5f, 2, -3, 1}, new Shape(2, 5));
                NDArray y = m.create(new float[] {1, 0, -1, 0.5f, 2, 0}, new Shape(2, 3));
                for (int s = 0; s < steps; s++) {
                    try (NDManager step = m.newSubManager();
                            GradientCollector gc = trainer.newGradientCollector()) {
                        NDArray out = trainer.forward(new ai.djl.ndarray.NDList(x)).head();
                        NDArray loss = out.sub(y).square().mean();
                        loss.attach(step);
                        gc.backward(loss);
                    }
                    trainer.step();
                }
                return model.getBlock().getParameters().get(0).getValue().getArray().toFloatArray();
            }
        }
    }

    @Test
    void adamMatchesDjlAdamWhereEpsilonDoesNotMatter() {
        float[] djl =
                train(Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.01f)).optWeightDecays(0.001f).build(), 5);
        OptimizerConfig config = OptimizerConfig.adam(0.01f).optWeightDecay(0.001f).build();
        float[] ours = train(config.newOptimizer(block()), 5);
        assertArrayEquals(djl, ours, 1e-5f);
    }

    @Test
    void adamIsPyTorchAdamForTinyGradients() {
        // Two steps on one weight w0 = 1 with gradient g = 1e-6 (lr 0.1, eps 1e-8):
        // PyTorch: m_hat = g, v_hat = g^2 at every step, so w -= lr * g / (g + eps) each step.
        double g = 1e-6;
        double expected = 1.0 - 2 * 0.1 * g / (g + 1e-8);
        SequentialBlock block = new SequentialBlock().add(Linear.builder().setUnits(1).optBias(false).build());
        CheckpointableOptimizer optimizer = OptimizerConfig.adam(0.1f).build().newOptimizer(block);
        try (NDManager m = NDManager.newBaseManager()) {
            block.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(1, 1));
            optimizer.registerNames(block);
            var weight = block.getParameters().get(0).getValue();
            weight.getArray().set(new float[] {1f});
            for (int step = 0; step < 2; step++) {
                optimizer.update(weight.getId(), weight.getArray(), m.create(new float[] {(float) g}, new Shape(1, 1)));
            }
            assertEquals(expected, weight.getArray().toFloatArray()[0], 1e-6);
        }
    }

    @Test
    void sgdWithMomentumMatchesDjlSgd() {
        float[] djl =
                train(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.05f)).optMomentum(0.9f).build(), 5);
        float[] ours = train(OptimizerConfig.sgd(0.05f).build().newOptimizer(block()), 5);
        assertArrayEquals(djl, ours, 1e-6f);
    }

    @Test
    void nesterovMomentumWithCoupledDecayMatchesHandComputedSteps() {
        // w0 = 1, lr 0.1, mu 0.9, wd 0.01, gradients 1 then 0.5:
        // g' = 1.01, b = 1.01, w = 1 - 0.1 (1.01 + 0.909) = 0.8081
        // g' = 0.5 + 0.008081, b = 0.909 + 0.508081, w = 0.8081 - 0.1 (0.508081 + 0.9 * 1.417081)
        SequentialBlock block = new SequentialBlock().add(Linear.builder().setUnits(1).optBias(false).build());
        OptimizerConfig config = OptimizerConfig.sgd(0.1f).optNesterov(true).optWeightDecay(0.01f).build();
        CheckpointableOptimizer optimizer = config.newOptimizer(block);
        try (NDManager m = NDManager.newBaseManager()) {
            block.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(1, 1));
            optimizer.registerNames(block);
            var weight = block.getParameters().get(0).getValue();
            weight.getArray().set(new float[] {1f});
            optimizer.update(weight.getId(), weight.getArray(), m.create(new float[] {1f}, new Shape(1, 1)));
            assertEquals(0.8081, weight.getArray().toFloatArray()[0], 1e-6);
            optimizer.update(weight.getId(), weight.getArray(), m.create(new float[] {0.5f}, new Shape(1, 1)));
            assertEquals(0.8081 - 0.1 * (0.508081 + 0.9 * 1.417081), weight.getArray().toFloatArray()[0], 1e-6);
        }
        assertEquals(true, config.describe().get("nesterov").getAsBoolean());
        org.junit.jupiter.api.Assertions.assertThrows(
                IllegalStateException.class, () -> OptimizerConfig.adam(0.1f).optNesterov(true).build());
    }

    @Test
    void nesterovThroughDjlsTrainerTakesTheHandComputedStepsAndZeroesTheGradient() {
        // One weight, loss = w * x with x = 1, so the gradient is 1 at every step. lr 1, mu 0.9:
        // b = 1, 1.9, 2.71; the steps are 1 + 0.9 b = 1.9, 2.71, 3.439 (w - w0 = -1.9, -4.61, -8.049).
        // A gradient left in place after a step would make the engine's backward accumulate 1, 2, 3.
        double[] expected = {-1.9, -4.61, -8.049};
        SequentialBlock block = new SequentialBlock().add(Linear.builder().setUnits(1).optBias(false).build());
        CheckpointableOptimizer optimizer = OptimizerConfig.sgd(1f).optNesterov(true).build().newOptimizer(block);
        try (Model model = Model.newInstance("nesterov", Device.cpu())) {
            model.setBlock(block);
            try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.l2Loss()).optOptimizer(optimizer))) {
                trainer.initialize(new Shape(1, 1));
                NDArray weight = block.getParameters().get(0).getValue().getArray();
                float w0 = weight.toFloatArray()[0];
                NDArray x = trainer.getManager().ones(new Shape(1, 1));
                for (int s = 0; s < expected.length; s++) {
                    try (GradientCollector gc = trainer.newGradientCollector()) {
                        gc.backward(trainer.forward(new ai.djl.ndarray.NDList(x)).head().sum());
                    }
                    assertEquals(1f, weight.getGradient().toFloatArray()[0], 0f, "gradient before step " + (s + 1));
                    trainer.step();
                    assertEquals(0f, weight.getGradient().toFloatArray()[0], 0f, "gradient after step " + (s + 1));
                    assertEquals(expected[s], weight.toFloatArray()[0] - w0, 1e-5, "step " + (s + 1));
                }
            }
        }
    }

    @Test
    void stepDecayFollowsPyTorchStepLr() {
        OptimizerConfig config = OptimizerConfig.adam(1f).optStepDecay(10, 0.5f).build();
        // lr0 * gamma^floor((t - 1) / 10) for the 1-based update count t
        assertEquals(1f, config.learningRateAt(1));
        assertEquals(1f, config.learningRateAt(10));
        assertEquals(0.5f, config.learningRateAt(11));
        assertEquals(0.25f, config.learningRateAt(21));
    }

    @Test
    void stateRoundTripsThroughAStream(@TempDir Path tmp) throws Exception {
        SequentialBlock block = block();
        CheckpointableOptimizer optimizer = OptimizerConfig.adam(0.01f).build().newOptimizer(block);
        try (NDManager m = NDManager.newBaseManager()) {
            block.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(1, 5));
            optimizer.registerNames(block);
            var param = block.getParameters().get(0).getValue();
            NDArray grad = param.getArray().onesLike();
            optimizer.update(param.getId(), param.getArray(), grad);
            Path file = tmp.resolve("opt");
            try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
                optimizer.saveState(out);
            }
            CheckpointableOptimizer restored = OptimizerConfig.adam(0.01f).build().newOptimizer(block);
            try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
                restored.loadState(in, block);
            }
            // One more identical update from both must give identical weights.
            NDArray a = param.getArray().duplicate();
            NDArray b = param.getArray().duplicate();
            optimizer.update(param.getId(), a, grad);
            restored.update(param.getId(), b, grad);
            assertArrayEquals(a.toFloatArray(), b.toFloatArray(), 0f);
        }
    }
}
