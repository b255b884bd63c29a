package dev.debias.ndarray;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.FloatRange;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.function.UnaryOperator;

class ScalarsTest {

    private static final float[] X = {0.5f, 2f, 3f};

    /**
     * The gradient of {@code f} at {@code X}, with a garbage collection, a pause for the JVM's
     * cleaner and a few small direct allocations between the forward and the backward: what frees
     * and reuses the memory of a constant that DJL's {@code mul(Number)} leaves in the graph.
     */
    private static float[] gradientAcrossCollection(UnaryOperator<NDArray> f) throws InterruptedException {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.create(X);
            x.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray y = f.apply(x).sum();
                System.gc();
                Thread.sleep(100);
                for (int i = 0; i < 16; i++) {
                    ByteBuffer.allocateDirect(4).putFloat(0, -1f);
                }
                collector.backward(y);
            }
            return x.getGradient().toFloatArray();
        }
    }

    @Test
    void gradientsSurviveAGarbageCollectionBetweenForwardAndBackward() throws InterruptedException {
        // DJL's x.mul(2f) gave 3.5e14 and then 0 here (2026-12-05, DJL 0.35.1, libtorch 2.7.1).
        for (int trial = 0; trial < 3; trial++) {
            assertArrayEquals(new float[] {2f, 2f, 2f}, gradientAcrossCollection(x -> Scalars.mul(x, 2f)));
            assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f}, gradientAcrossCollection(x -> Scalars.div(x, 2f)));
            assertArrayEquals(new float[] {1f, 4f, 6f}, gradientAcrossCollection(x -> Scalars.pow(x, 2f)));
            assertArrayEquals(new float[] {0f, 1f, 1f}, gradientAcrossCollection(x -> Scalars.maximum(x, 1f)));
            assertArrayEquals(new float[] {1f, 0f, 0f}, gradientAcrossCollection(x -> Scalars.minimum(x, 1f)));
            assertArrayEquals(new float[] {3f, 3f, 3f}, gradientAcrossCollection(x -> Scalars.mul(x, 3)));
        }
    }

    @Property(tries = 200)
    void resultsAreBitIdenticalToDjlsNumberOverloads(
            @ForAll @FloatRange(min = -1e6f, max = 1e6f) float a, @ForAll @FloatRange(min = -1e3f, max = 1e3f) float c) {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.create(new float[] {a, -a, a / 3f, 0f});
            assertArrayEquals(x.mul(c).toFloatArray(), Scalars.mul(x, c).toFloatArray());
            assertArrayEquals(x.div(c).toFloatArray(), Scalars.div(x, c).toFloatArray());
            assertArrayEquals(x.abs().pow(c / 100f).toFloatArray(), Scalars.pow(x.abs(), c / 100f).toFloatArray());
            assertArrayEquals(x.maximum(c).toFloatArray(), Scalars.maximum(x, c).toFloatArray());
            assertArrayEquals(x.minimum(c).toFloatArray(), Scalars.minimum(x, c).toFloatArray());
            assertArrayEquals(x.mul((int) c).toFloatArray(), Scalars.mul(x, (int) c).toFloatArray());
            NDArray y = x.duplicate();
            assertArrayEquals(x.mul(c).toFloatArray(), Scalars.muli(y, c).toFloatArray());
            assertArrayEquals(x.mul(c).toFloatArray(), y.toFloatArray());
        }
    }
}
