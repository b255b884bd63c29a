package dev.debias.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;

import dev.debias.ndarray.Scalars;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Exponential moving average of a per-sample loss, keyed by the stable sample index, with
 * class-wise max normalisation: the building block of Learning from Failure (Nam et al., "Learning
 * from Failure: Training Debiased Classifier from Biased Classifier", NeurIPS 2020) and DisEnt.
 *
 * <p>For a batch with losses \(\ell_i\) (detached) and indices \(i\):
 * \(e_i \leftarrow \alpha e_i + (1 - \alpha s_i)\ell_i\), \(s_i \leftarrow 1\), so the first visit
 * copies the loss. The normalised value of a sample of class \(c\) is \(e_i / \max_{j: y_j = c}
 * e_j\), the maximum taken over the whole training set, never-visited samples (0) included, as in
 * the reference code.
 *
 * <p>The buffers live natively in one long-lived manager and are updated in place; every
 * temporary of a call is attached to the caller's manager, so nothing accumulates across steps.
 * The averages are stored class by class, each class's samples in one row of a {@code [classes,
 * largest class]} matrix padded with zeros, so that the class maxima are one reduction over about
 * as many values as there are samples (a mask over every class and sample would read the whole
 * set once per class). Since the averages are non-negative and the normalisation divides by at
 * least 1e-8, the zero padding changes no maximum that matters.
 */
public final class PerSampleEma implements Checkpointable, AutoCloseable {

    private static final float EPSILON = 1e-8f;

    private final String name;
    private final float alpha;
    private final int size;
    private final int numClasses;
    /** Each sample's place in the class-major matrix, by sample index. */
    private final long[] place;
    private final int rowLength;
    private final NDManager stateManager;
    /** The averages, {@code [numClasses * rowLength]}, class-major, zero-padded. */
    private final NDArray ema;
    private final NDArray seen;
    private final NDArray placeOfSample;

    /**
     * Creates a buffer of zeros for a training set.
     *
     * @param name the name of this buffer in checkpoints
     * @param labels class label of every training sample, by sample index
     * @param numClasses the number of classes
     * @param alpha the EMA factor (LfF: 0.7)
     * @param device the device of the buffers
     */
    public PerSampleEma(String name, int[] labels, int numClasses, float alpha, Device device) {
        if (!(alpha >= 0 && alpha < 1)) {
            throw new IllegalArgumentException("EMA alpha must be in [0, 1), got " + alpha);
        }
        this.name = name;
        this.alpha = alpha;
        this.size = labels.length;
        this.numClasses = numClasses;
        int[] counts = new int[numClasses];
        for (int i = 0; i < size; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new IllegalArgumentException(
                        "sample " + i + ": class label " + labels[i] + " outside [0, " + numClasses + ")");
            }
            counts[labels[i]]++;
        }
        this.rowLength = Math.max(1, java.util.Arrays.stream(counts).max().orElse(0));
        this.place = new long[size];
        int[] filled = new int[numClasses];
        for (int i = 0; i < size; i++) {
            place[i] = (long) labels[i] * rowLength + filled[labels[i]]++;
        }
        this.stateManager = NDManager.newBaseManager(device);
        stateManager.setName("ema-" + name);
        this.ema = stateManager.zeros(new ai.djl.ndarray.types.Shape((long) numClasses * rowLength));
        this.seen = stateManager.zeros(new ai.djl.ndarray.types.Shape(size));
        this.placeOfSample = stateManager.create(place);
    }

    /**
     * Updates the buffer with a batch's losses and returns their class-normalised averages.
     *
     * @param losses per-sample losses {@code [B]} (gradients are not tracked)
     * @param indices stable sample indices {@code [B]} (int64)
     * @param labels class labels {@code [B]} (int64)
     * @return the normalised averages {@code [B]}, attached to the manager of {@code losses}
     */
    public NDArray updateAndNormalize(NDArray losses, NDArray indices, NDArray labels) {
        NDManager m = losses.getManager();
        NDArray detached = losses.stopGradient().toType(DataType.FLOAT32, false);
        NDIndex at = new NDIndex("{}", indices);
        NDIndex placed = new NDIndex("{}", onto(m, placeOfSample.get(at)));
        NDArray previous = onto(m, ema.get(placed));
        NDArray visited = onto(m, seen.get(at));
        NDArray updated = Scalars.mul(previous, alpha).add(Scalars.mul(visited, -alpha).add(1f).mul(detached));
        ema.set(placed, updated);
        seen.set(at, visited.onesLike());
        NDArray rows = onto(m, ema.reshape(numClasses, rowLength));
        NDArray classMax = rows.max(new int[] {1});
        NDArray maxOfSample = classMax.get(new NDIndex("{}", labels));
        return updated.div(Scalars.maximum(maxOfSample, EPSILON));
    }

    /**
     * Returns a copy of the averages of all samples (for tests and inspection; not for hot loops).
     *
     * @return the averages, by sample index
     */
    public float[] values() {
        float[] rows = ema.toFloatArray();
        float[] out = new float[size];
        for (int i = 0; i < size; i++) {
            out[i] = rows[(int) place[i]];
        }
        return out;
    }

    int heldArrays() {
        return stateManager.getManagedArrays().size();
    }

    private static NDArray onto(NDManager manager, NDArray array) {
        array.attach(manager);
        return array;
    }

    /** {@inheritDoc} */
    @Override
    public String checkpointName() {
        return name;
    }

    /** {@inheritDoc} */
    @Override
    public void saveCheckpoint(Path dir) throws IOException {
        try (DataOutputStream out =
                new DataOutputStream(
                        new BufferedOutputStream(Files.newOutputStream(dir.resolve(name + ".ema"))))) {
            float[] e = values();
            float[] s = seen.toFloatArray();
            out.writeInt(size);
            for (int i = 0; i < size; i++) {
                out.writeFloat(e[i]);
                out.writeFloat(s[i]);
            }
        }
    }

    /** {@inheritDoc} */
    @Override
    public void loadCheckpoint(Path dir) throws IOException {
        Path file = dir.resolve(name + ".ema");
        if (!Files.isRegularFile(file)) {
            throw new IOException("checkpoint file missing: " + file);
        }
        try (DataInputStream in =
                new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            int n = in.readInt();
            if (n != size) {
                throw new IOException(file + " holds " + n + " samples, the training set has " + size);
            }
            float[] e = new float[n];
            float[] s = new float[n];
            for (int i = 0; i < n; i++) {
                e[i] = in.readFloat();
                s[i] = in.readFloat();
            }
            float[] rows = new float[numClasses * rowLength];
            for (int i = 0; i < n; i++) {
                rows[(int) place[i]] = e[i];
            }
            ema.set(rows);
            seen.set(s);
        }
    }

    /** Releases the native buffers. */
    @Override
    public void close() {
        stateManager.close();
    }
}
