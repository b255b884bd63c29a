package dev.debias.jmh;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The fixed cost of one native operation through DJL 0.35.1's PyTorch engine, on arrays of one
 * element (so the kernel itself is negligible), and for scale the largest kernel of ERM's step
 * (the 256&times;2352 by 2352&times;100 product of the LfF MLP's first layer). One intra-op
 * thread, CPU. Each benchmark closes what it creates, so native memory stays flat over the run.
 *
 * <p>The differences between the benchmarks separate the parts of an operation's cost: {@link
 * #addInPlace} is a JNI call into libtorch's dispatcher without a new tensor; {@link #add} adds the
 * allocation of the result and its Java wrapper (registered with, and closed from, a manager);
 * {@link #addScalar} the scalar operand, which DJL's {@code add(Number)}-style calls first turn
 * into a tensor of their own (a second native call); {@link #subManager} is the cost of one memory scope, which every
 * training step opens and closes once.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {
            "-Dai.djl.offline=true",
            "-Dai.djl.default_engine=PyTorch",
            "-Dai.djl.pytorch.num_threads=1",
            "-Dai.djl.pytorch.num_interop_threads=1",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"
        })
@State(Scope.Thread)
public class NativeOpBenchmark {

    private NDManager manager;
    private NDArray one;
    private NDArray other;
    private NDArray batch;
    private NDArray weight;

    /** Creates the operands once per trial. */
    @Setup(Level.Trial)
    public void setUp() {
        manager = NDManager.newBaseManager();
        one = manager.create(new float[] {1f});
        other = manager.create(new float[] {0f});
        batch = manager.randomUniform(0f, 1f, new Shape(256, 2352));
        weight = manager.randomUniform(-0.02f, 0.02f, new Shape(2352, 100));
    }

    /** Frees the operands. */
    @TearDown(Level.Trial)
    public void tearDown() {
        manager.close();
    }

    /**
     * An in-place add of a one-element array: one JNI call, no new tensor.
     *
     * @return the (same) array
     */
    @Benchmark
    public NDArray addInPlace() {
        return one.addi(other);
    }

    /**
     * An add of two one-element arrays into a new array, closed at once.
     *
     * @return the closed sum (returned so the work is not eliminated)
     */
    @Benchmark
    public NDArray add() {
        NDArray sum = one.add(other);
        sum.close();
        return sum;
    }

    /**
     * A one-element array plus a Java scalar into a new array, closed at once.
     *
     * @return the closed sum
     */
    @Benchmark
    public NDArray addScalar() {
        NDArray sum = one.add(0f);
        sum.close();
        return sum;
    }

    /**
     * Opens and closes an empty memory scope.
     *
     * @return the closed scope
     */
    @Benchmark
    public NDManager subManager() {
        NDManager scope = manager.newSubManager();
        scope.close();
        return scope;
    }

    /**
     * An add of two one-element arrays inside a memory scope of its own, as a step does with each
     * of its operations' results.
     *
     * @return the closed scope
     */
    @Benchmark
    public NDManager addInScope() {
        NDManager scope = manager.newSubManager();
        NDArray a = one.add(other);
        a.attach(scope);
        scope.close();
        return scope;
    }

    /**
     * The forward product of ERM's first layer, the step's largest kernel.
     *
     * @return the closed product
     */
    @Benchmark
    public NDArray ermFirstLayerProduct() {
        NDArray product = batch.matMul(weight);
        product.close();
        return product;
    }
}
