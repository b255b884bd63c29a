package dev.debias.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;

class BackbonesTest {

    @Test
    void createsEveryNamedBackbone() {
        Shape sample = new Shape(3, 28, 28);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomUniform(0f, 1f, new Shape(2, 3, 28, 28));
            for (String name : Backbones.NAMES) {
                Backbone b = Backbones.create(name, 4, sample);
                b.initialize(m, DataType.FLOAT32, new Shape(1, 3, 28, 28));
                assertEquals(
                        new Shape(2, 4), ModelTesting.forward(b, m, x, false).getShape(), name);
                assertEquals(4, b.getNumClasses());
            }
        }
        assertInstanceOf(ColoredMnistMlp.class, Backbones.create("MLP", 10, sample));
        assertEquals(16, Backbones.create("mlp-disent", 10, sample).getFeatureDimension());
        assertEquals(
                ResNet18.Stem.IMAGENET,
                ((ResNet18) Backbones.create("resnet18", 10, sample)).getStem());
    }

    @Test
    void mlpTakesItsInputSizeFromTheShape() {
        ColoredMnistMlp mlp = (ColoredMnistMlp) Backbones.create("mlp", 2, new Shape(1, 4, 4));
        assertEquals(16, mlp.getInputSize());
        assertEquals(1f / 255f, mlp.getInputScale());
    }

    @Test
    void rejectsUnknownNamesAndUnfitShapes() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> Backbones.create("resnet34", 10, new Shape(3, 32, 32)));
        assertTrue(e.getMessage().contains("resnet34") && e.getMessage().contains("resnet50"));
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> Backbones.create("cnn", 10, new Shape(2352)));
        assertTrue(e.getMessage().contains("(2352)"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> Backbones.create("cnn-dcwp", 10, new Shape(3, 4, 4)));
    }
}
