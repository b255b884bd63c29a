package dev.debias.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;

class KaimingInitializerTest {

    @Test
    void fansFollowPyTorchConvention() {
        assertEquals(3 * 7 * 7, KaimingInitializer.fanIn(new Shape(64, 3, 7, 7)));
        assertEquals(64 * 7 * 7, KaimingInitializer.fanOut(new Shape(64, 3, 7, 7)));
        assertEquals(2352, KaimingInitializer.fanIn(new Shape(100, 2352)));
        assertEquals(100, KaimingInitializer.fanOut(new Shape(100, 2352)));
    }

    @Test
    void pyTorchDefaultIsUniformWithBoundOneOverSqrtFanIn() {
        Shape shape = new Shape(100, 2352);
        double std = KaimingInitializer.pyTorchDefault().standardDeviation(shape);
        // gain sqrt(2 / (1 + 5)) = sqrt(1/3); bound = sqrt(3) * std = 1 / sqrt(2352)
        assertEquals(1 / Math.sqrt(2352), Math.sqrt(3) * std, 1e-12);
        assertEquals(1 / Math.sqrt(2352), FanInBiasInitializer.bound(shape), 1e-12);
    }

    @Test
    void reluFanOutHasStdSqrtTwoOverFanOut() {
        Shape shape = new Shape(64, 32, 3, 3);
        assertEquals(
                Math.sqrt(2.0 / (64 * 9)),
                KaimingInitializer.reluFanOut().standardDeviation(shape),
                1e-12);
        assertEquals(
                Math.sqrt(2.0 / (32 * 9)),
                KaimingInitializer.reluFanIn().standardDeviation(shape),
                1e-12);
    }

    @Test
    void uniformSamplesStayInBoundAndFillIt() {
        Engine.getInstance().setRandomSeed(7);
        Shape shape = new Shape(200, 2352);
        float bound = (float) (1 / Math.sqrt(2352));
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray w =
                    KaimingInitializer.pyTorchDefault()
                            .initialize(manager, shape, DataType.FLOAT32);
            assertEquals(shape, w.getShape());
            float max = w.abs().max().getFloat();
            assertTrue(max <= bound, "max |w| " + max + " exceeds " + bound);
            assertTrue(max > 0.999f * bound, "max |w| " + max + " far below " + bound);
            // Variance of U(-b, b) is b^2 / 3.
            double variance = w.pow(2).mean().getFloat();
            assertEquals(bound * bound / 3.0, variance, 0.01 * bound * bound / 3.0);
        }
    }

    @Test
    void normalSamplesHaveTheStandardDeviation() {
        Engine.getInstance().setRandomSeed(7);
        Shape shape = new Shape(256, 256, 3, 3);
        double expected = Math.sqrt(2.0 / (256 * 9));
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray w =
                    KaimingInitializer.reluFanOut().initialize(manager, shape, DataType.FLOAT32);
            assertEquals(0, w.mean().getFloat(), 0.01 * expected);
            assertEquals(expected, Math.sqrt(w.pow(2).mean().getFloat()), 0.01 * expected);
        }
    }

    @Test
    void rejectsBiasShapes() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> KaimingInitializer.fanIn(new Shape(10)));
        assertTrue(e.getMessage().contains("(10)"), e.getMessage());
    }
}
