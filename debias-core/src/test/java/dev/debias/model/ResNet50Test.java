package dev.debias.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

import org.junit.jupiter.api.Test;

class ResNet50Test {

    @Test
    void hasTorchvisionsParameterCountAndShapes() {
        try (NDManager m = NDManager.newBaseManager()) {
            ResNet50 net = ResNet50.create(2);
            net.initialize(m, DataType.FLOAT32, new Shape(2, 3, 64, 64));
            long trainable = net.getParameters().stream()
                    .filter(p -> p.getValue().getType() != Parameter.Type.RUNNING_MEAN
                            && p.getValue().getType() != Parameter.Type.RUNNING_VAR)
                    .mapToLong(p -> p.getValue().getArray().size())
                    .sum();
            // torchvision's resnet50 has 25,557,032 parameters with 1,000 classes: 23,508,032 without
            // its classifier, plus 2,048 x 2 + 2 here
            assertEquals(23_508_032L + 2 * 2048 + 2, trainable);
            NDArray x = m.randomUniform(0, 1, new Shape(2, 3, 64, 64));
            NDList out = net.forward(new ParameterStore(m, false), new NDList(x), false);
            assertEquals(new Shape(2, 2), out.head().getShape());
            assertEquals(new Shape(2, ResNet50.FEATURE_DIMENSION),
                    net.getFeatures().forward(new ParameterStore(m, false), new NDList(x), false).head().getShape());
        }
    }
}
