package dev.debias.gan.cyclegan;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

import dev.debias.train.Checkpointable;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.SplittableRandom;

/**
 * The replay pool of generated images that CAMEL's CycleGAN discriminators train on (ALGORITHMS.md
 * §5.4, §15.2): up to {@code capacity} images; while it is not full new images are appended, and
 * once full each new image overwrites a distinct, uniformly random slot (there is no "return the
 * new image" coin as in the original CycleGAN paper). A draw takes distinct slots uniformly.
 *
 * <p>The images live in one native array on the pool's own manager, replaced (not grown) by each
 * push, so the pool holds one array whatever the number of steps. Its randomness comes from the
 * caller's stream (the trainer derives one per step, which keeps a resumed run exact); its
 * contents are checkpointed.
 */
public final class ImagePool implements Checkpointable, AutoCloseable {

    private final String name;
    private final int capacity;
    private final NDManager manager;
    private NDArray images;
    private int size;

    /**
     * Creates an empty pool.
     *
     * @param name the pool's name in checkpoints
     * @param capacity the most images it holds, positive
     * @param device the device of the images
     */
    public ImagePool(String name, int capacity, Device device) {
        if (capacity < 1) {
            throw new IllegalArgumentException("an image pool needs a positive capacity, got " + capacity);
        }
        this.name = name;
        this.capacity = capacity;
        this.manager = NDManager.newBaseManager(device);
        manager.setName("image-pool-" + name);
    }

    /**
     * Returns how many images the pool holds.
     *
     * @return the size
     */
    public int size() {
        return size;
    }

    /**
     * Returns the capacity.
     *
     * @return the capacity
     */
    public int capacity() {
        return capacity;
    }

    /**
     * Adds a batch of images (copied, detached from any graph).
     *
     * @param batch {@code [k, C, H, W]}, {@code k <= capacity}
     * @param random the stream that picks the overwritten slots
     * @throws IllegalArgumentException if the batch is larger than the pool or its image shape
     *     differs from the pool's
     */
    public void push(NDArray batch, SplittableRandom random) {
        int k = Math.toIntExact(batch.getShape().get(0));
        if (k > capacity) {
            throw new IllegalArgumentException(
                    "a batch of " + k + " images does not fit a pool of " + capacity + "; the pool must be at least the batch size");
        }
        if (images != null && !images.getShape().slice(1).equals(batch.getShape().slice(1))) {
            throw new IllegalArgumentException(
                    "pool " + name + " holds images " + images.getShape().slice(1) + ", got " + batch.getShape().slice(1));
        }
        if (k == 0) {
            return;
        }
        try (NDManager scope = manager.newSubManager()) {
            NDArray copy = onto(batch.stopGradient().duplicate(), scope);
            int fill = Math.min(k, capacity - size);
            NDArray next = images;
            if (fill > 0) {
                NDArray head = fill == k ? copy : onto(copy.get(new NDIndex("0:{}", fill)), scope);
                next = images == null ? head : onto(NDArrays.concat(new NDList(images, head), 0), scope);
            }
            if (fill < k) {
                NDArray rest = onto(copy.get(new NDIndex("{}:", fill)), scope);
                long[] gather = new long[capacity];
                for (int j = 0; j < capacity; j++) {
                    gather[j] = j;
                }
                int[] slots = distinct(capacity, k - fill, random);
                for (int t = 0; t < slots.length; t++) {
                    gather[slots[t]] = capacity + t;
                }
                NDArray all = onto(NDArrays.concat(new NDList(next, rest), 0), scope);
                next = onto(all.get(new NDIndex("{}", scope.create(gather))), scope);
            }
            next.attach(manager);
            if (images != null) {
                images.close();
            }
            images = next;
            size += fill;
        }
    }

    /**
     * Draws {@code count} distinct images uniformly.
     *
     * @param count the number of images
     * @param random the stream that picks them
     * @param target the manager the result belongs to
     * @return {@code [count, C, H, W]}
     * @throws IllegalArgumentException if the pool holds fewer images than asked for
     */
    public NDArray sample(int count, SplittableRandom random, NDManager target) {
        if (count > size) {
            throw new IllegalArgumentException(
                    "pool " + name + " holds " + size + " images, fewer than the " + count + " asked for");
        }
        int[] slots = distinct(size, count, random);
        long[] index = new long[count];
        for (int t = 0; t < count; t++) {
            index[t] = slots[t];
        }
        NDArray picked = images.get(new NDIndex("{}", target.create(index)));
        picked.attach(target);
        return picked;
    }

    private static NDArray onto(NDArray array, NDManager scope) {
        array.attach(scope);
        return array;
    }

    /** Draws {@code k} distinct integers of {@code [0, n)} in random order (partial Fisher-Yates). */
    static int[] distinct(int n, int k, SplittableRandom random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = 0; i < k; i++) {
            int j = i + random.nextInt(n - i);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return java.util.Arrays.copyOf(order, k);
    }

    /** {@inheritDoc} */
    @Override
    public String checkpointName() {
        return "pool-" + name;
    }

    /** {@inheritDoc} */
    @Override
    public void saveCheckpoint(java.nio.file.Path dir) throws IOException {
        Checkpointable.ofStream(checkpointName(), this::write, this::read).saveCheckpoint(dir);
    }

    /** {@inheritDoc} */
    @Override
    public void loadCheckpoint(java.nio.file.Path dir) throws IOException {
        Checkpointable.ofStream(checkpointName(), this::write, this::read).loadCheckpoint(dir);
    }

    private void write(DataOutputStream out) throws IOException {
        out.writeInt(size);
        if (size == 0) {
            return;
        }
        Shape shape = images.getShape();
        out.writeInt(shape.dimension());
        for (long d : shape.getShape()) {
            out.writeLong(d);
        }
        for (float v : images.toFloatArray()) {
            out.writeFloat(v);
        }
    }

    private void read(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > capacity) {
            throw new IOException("pool " + name + " checkpoint holds " + n + " images, capacity " + capacity);
        }
        if (images != null) {
            images.close();
            images = null;
        }
        size = n;
        if (n == 0) {
            return;
        }
        long[] dims = new long[in.readInt()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = in.readLong();
        }
        Shape shape = new Shape(dims);
        if (shape.get(0) != n) {
            throw new IOException("pool " + name + " checkpoint: " + n + " images but an array of " + shape);
        }
        float[] values = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < values.length; i++) {
            values[i] = in.readFloat();
        }
        images = manager.create(values, shape);
    }

    /** Releases the images. */
    @Override
    public void close() {
        manager.close();
    }
}
