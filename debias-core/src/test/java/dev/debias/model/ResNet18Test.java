package dev.debias.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

class ResNet18Test {

    @Test
    void imagenetVersionHasTorchvisionParameterCount() {
        try (NDManager m = NDManager.newBaseManager()) {
            ResNet18 net = ResNet18.imagenet(1000);
            net.initialize(m, DataType.FLOAT32, new Shape(1, 3, 224, 224));
            assertEquals(11_689_512, ModelTesting.countTrainable(net));
            assertEquals(20, convolutions(net).size()); // 1 stem + 16 in units + 3 projections
        }
    }

    @Test
    void outputShapesForSmallAndImagenetInputs() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (ResNet18.Stem stem : ResNet18.Stem.values()) {
                ResNet18 net = ResNet18.create(7, stem);
                net.initialize(m, DataType.FLOAT32, new Shape(1, 3, 28, 28));
                NDArray x = m.randomUniform(0f, 1f, new Shape(2, 3, 28, 28));
                assertEquals(new Shape(2, 7), ModelTesting.forward(net, m, x, true).getShape());
                assertEquals(
                        new Shape(2, 512),
                        ModelTesting.forward(net.getFeatures(), m, x, false).getShape());
                assertEquals(new Shape(2, 7), net.getOutputShapes(new Shape[] {x.getShape()})[0]);
            }
            ResNet18 big = ResNet18.imagenet(5);
            big.initialize(m, DataType.FLOAT32, new Shape(1, 3, 224, 224));
            NDArray x = m.randomUniform(0f, 1f, new Shape(1, 3, 224, 224));
            assertEquals(new Shape(1, 5), ModelTesting.forward(big, m, x, false).getShape());
        }
    }

    @Test
    void initialisesLikeTorchvision() {
        Engine.getInstance().setRandomSeed(3);
        try (NDManager m = NDManager.newBaseManager()) {
            ResNet18 net = ResNet18.small(10);
            net.initialize(m, DataType.FLOAT32, new Shape(1, 3, 32, 32));
            for (Conv2d conv : convolutions(net)) {
                Shape shape = conv.getDirectParameters().get("weight").getShape();
                if (shape.get(0) == 512 && shape.get(1) == 512) {
                    NDArray w = conv.getDirectParameters().get("weight").getArray();
                    double expected = Math.sqrt(2.0 / (512 * 9));
                    assertEquals(expected, Math.sqrt(w.pow(2).mean().getFloat()), 0.01 * expected);
                }
            }
            for (Parameter p : net.getParameters().values()) {
                if (p.getType() == Parameter.Type.GAMMA) {
                    assertTrue(p.getArray().eq(1f).all().getBoolean(), p.getName());
                } else if (p.getType() == Parameter.Type.BETA) {
                    assertTrue(p.getArray().eq(0f).all().getBoolean(), p.getName());
                }
            }
            Parameter fcWeight = net.getClassifier().getDirectParameters().get("weight");
            Parameter fcBias = net.getClassifier().getDirectParameters().get("bias");
            float bound = (float) (1 / Math.sqrt(512));
            assertTrue(fcWeight.getArray().abs().max().getFloat() <= bound);
            float maxBias = fcBias.getArray().abs().max().getFloat();
            assertTrue(maxBias <= bound && maxBias > 0.3f * bound, "fc bias max " + maxBias);
        }
    }

    @Test
    void everyTrainableParameterReceivesAGradient() {
        try (NDManager m = NDManager.newBaseManager()) {
            ResNet18 net = ResNet18.small(3);
            net.initialize(m, DataType.FLOAT32, new Shape(1, 3, 8, 8));
            NDArray x = m.randomUniform(0f, 1f, new Shape(2, 3, 8, 8));
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray logits = ModelTesting.forward(net, m, x, true);
                collector.backward(logits.logSoftmax(1).get(":, 0").sum().neg());
            }
            int trainable = 0;
            for (Parameter p : net.getParameters().values()) {
                if (p.requiresGradient()) {
                    NDArray grad = p.getArray().getGradient();
                    assertTrue(grad.abs().sum().getFloat() > 0, "no gradient for " + p.getName());
                    trainable++;
                }
            }
            // 20 conv weights, 20 BN (gamma, beta) pairs, fc weight and bias
            assertEquals(20 + 40 + 2, trainable);
        }
    }

    static List<Conv2d> convolutions(Block block) {
        List<Conv2d> out = new ArrayList<>();
        if (block instanceof Conv2d) {
            out.add((Conv2d) block);
        }
        for (Block child : block.getChildren().values()) {
            out.addAll(convolutions(child));
        }
        return out;
    }
}
