package dev.debias.data;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import dev.debias.ndarray.Scalars;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * An in-memory {@link GroupedDataset}: all inputs in one contiguous array, either uint8 images
 * (decoded once, scaled to float on the fly per batch) or float32 features.
 *
 * <p>A native copy of the inputs is made once per device on first use; a batch is one native
 * gather of its rows plus one conversion to float32, attached to the batch's manager. Nothing is
 * converted sample by sample.
 */
public final class GroupedArrayDataset extends GroupedDataset {

    private final byte[] bytes;
    private final float[] floats;
    private final Shape sampleShape;
    private final float scale;
    private final int size;
    private final Map<Device, NDManager> nativeManagers = new HashMap<>();
    private final Map<Device, NDArray> nativeFeatures = new HashMap<>();

    private GroupedArrayDataset(Builder builder) {
        super(builder, builder.spec, builder.labels, builder.attributes);
        this.bytes = builder.bytes;
        this.floats = builder.floats;
        this.sampleShape = builder.sampleShape;
        this.scale = builder.scale;
        this.size = builder.labels.length;
    }

    /**
     * Returns a new builder.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the shape of one sample's input.
     *
     * @return the sample shape, e.g. {@code (3, 28, 28)}
     */
    public Shape sampleShape() {
        return sampleShape;
    }

    /**
     * Returns the factor applied to the stored values when they are served as float features.
     *
     * @return the scale (1/255 for uint8 images by default)
     */
    public float scale() {
        return scale;
    }

    /**
     * Returns the raw uint8 pixels of all samples (row-major, one sample after another), or null
     * if this dataset holds float features.
     *
     * @return the pixels (not a copy; do not modify)
     */
    public byte[] rawBytes() {
        return bytes;
    }

    /** {@inheritDoc} */
    @Override
    public NDArray features(NDManager manager, long[] indices) {
        for (long index : indices) {
            if (index < 0 || index >= size) {
                throw new IndexOutOfBoundsException(
                        "sample index " + index + " outside [0, " + size + ")");
            }
        }
        NDArray all = nativeFeatures(manager.getDevice());
        NDArray index = manager.create(indices);
        NDArray picked = all.get(new NDIndex("{}", index));
        picked.attach(manager);
        if (picked.getDataType() == DataType.FLOAT32 && scale == 1f) {
            return picked;
        }
        NDArray converted = picked.toType(DataType.FLOAT32, false);
        return scale == 1f ? converted : Scalars.muli(converted, scale);
    }

    private synchronized NDArray nativeFeatures(Device device) {
        NDArray existing = nativeFeatures.get(device);
        if (existing != null) {
            return existing;
        }
        NDManager owner = NDManager.newBaseManager(device);
        owner.setName("grouped-array-dataset");
        Shape shape = new Shape(size).addAll(sampleShape);
        NDArray array;
        if (bytes != null) {
            array = owner.create(ByteBuffer.wrap(bytes), shape, DataType.UINT8);
        } else {
            array = owner.create(FloatBuffer.wrap(floats), shape);
        }
        nativeManagers.put(device, owner);
        nativeFeatures.put(device, array);
        return array;
    }

    /** Releases the native copies of the inputs. */
    @Override
    public synchronized void close() {
        nativeManagers.values().forEach(NDManager::close);
        nativeManagers.clear();
        nativeFeatures.clear();
    }

    /** Builds a {@link GroupedArrayDataset}. */
    public static final class Builder extends BaseBuilder<Builder> {

        private byte[] bytes;
        private float[] floats;
        private Shape sampleShape;
        private float scale = 1f;
        private int[] labels;
        private int[] attributes;
        private GroupSpec spec;

        Builder() {}

        /** {@inheritDoc} */
        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Sets uint8 images; by default they are scaled by {@code 1/255} to {@code [0, 1]}.
         *
         * @param pixels all samples' pixels, one sample after another
         * @param shape the shape of one sample, e.g. {@code (3, 28, 28)}
         * @return this builder
         */
        public Builder setImages(byte[] pixels, Shape shape) {
            this.bytes = pixels;
            this.floats = null;
            this.sampleShape = shape;
            this.scale = 1f / 255f;
            return this;
        }

        /**
         * Sets float32 features.
         *
         * @param features all samples' features, one sample after another
         * @param shape the shape of one sample
         * @return this builder
         */
        public Builder setFeatures(float[] features, Shape shape) {
            this.floats = features;
            this.bytes = null;
            this.sampleShape = shape;
            this.scale = 1f;
            return this;
        }

        /**
         * Sets the factor applied to the inputs after conversion to float.
         *
         * @param factor the scale factor
         * @return this builder
         */
        public Builder optScale(float factor) {
            this.scale = factor;
            return this;
        }

        /**
         * Sets the class label of every sample.
         *
         * @param y the labels
         * @return this builder
         */
        public Builder setLabels(int[] y) {
            this.labels = y.clone();
            return this;
        }

        /**
         * Sets the bias attribute of every sample ({@code -1} where unknown). Without it every
         * attribute is unknown.
         *
         * @param a the attributes
         * @return this builder
         */
        public Builder optAttributes(int[] a) {
            this.attributes = a.clone();
            return this;
        }

        /**
         * Sets the group layout. Without it, a spec is derived from the labels and attributes
         * with {@link GroupSpec#fromLabels(int, int, int[], int[])}.
         *
         * @param groupSpec the spec
         * @return this builder
         */
        public Builder optGroupSpec(GroupSpec groupSpec) {
            this.spec = groupSpec;
            return this;
        }

        /**
         * Builds the dataset, checking that every array agrees in length and every value is in
         * range.
         *
         * @return the dataset
         */
        public GroupedArrayDataset build() {
            if (labels == null) {
                throw new IllegalArgumentException("labels are required (setLabels)");
            }
            if (bytes == null && floats == null) {
                throw new IllegalArgumentException("inputs are required (setImages or setFeatures)");
            }
            int n = labels.length;
            if (attributes == null) {
                attributes = new int[n];
                java.util.Arrays.fill(attributes, -1);
            }
            if (attributes.length != n) {
                throw new IllegalArgumentException(
                        "labels and attributes differ in length: " + n + " vs " + attributes.length);
            }
            long perSample = sampleShape.size();
            long total = bytes != null ? bytes.length : floats.length;
            if (total != perSample * n) {
                throw new IllegalArgumentException(
                        "inputs hold "
                                + total
                                + " values but "
                                + n
                                + " samples of shape "
                                + sampleShape
                                + " need "
                                + perSample * n);
            }
            if (spec == null) {
                int k = 1;
                int a = 1;
                for (int i = 0; i < n; i++) {
                    k = Math.max(k, labels[i] + 1);
                    a = Math.max(a, attributes[i] + 1);
                }
                spec = GroupSpec.fromLabels(k, a, labels, attributes);
            }
            if (sampler == null) {
                setSampling(256, false);
            }
            return new GroupedArrayDataset(this);
        }
    }
}
