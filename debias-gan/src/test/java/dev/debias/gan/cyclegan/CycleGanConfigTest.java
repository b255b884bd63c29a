package dev.debias.gan.cyclegan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;

class CycleGanConfigTest {

    @Test
    void thePresetFollowsTheImages() {
        CycleGanConfig grey = CycleGanConfig.forImages(new Shape(1, 28, 28), 100);
        assertEquals(1e-3f, grey.training().optimizer().learningRate());
        assertEquals(5e-5f, grey.discriminatorOptimizer().learningRate());
        assertEquals(CycleGanConfig.Augmentation.MNIST, grey.augmentation());
        assertEquals(25, grey.training().batchSize());

        CycleGanConfig colour = CycleGanConfig.forImages(new Shape(3, 28, 28), 100);
        assertEquals(2e-4f, colour.training().optimizer().learningRate());
        assertEquals(2e-4f, colour.discriminatorOptimizer().learningRate());
        assertEquals(CycleGanConfig.Augmentation.NONE, colour.augmentation());
        assertEquals(25, colour.training().batchSize());

        CycleGanConfig large = CycleGanConfig.forImages(new Shape(3, 224, 224), 100);
        assertEquals(CycleGanConfig.Augmentation.FLIP_CROP, large.augmentation());
        assertEquals(4, large.training().batchSize());
        assertEquals(100, large.training().iterations());
    }
}
