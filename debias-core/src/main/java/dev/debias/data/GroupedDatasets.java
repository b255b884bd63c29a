package dev.debias.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Record;
import ai.djl.translate.TranslateException;
import ai.djl.util.Progress;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/** Adapters that turn other datasets into {@link GroupedDataset}s. */
public final class GroupedDatasets {

    private GroupedDatasets() {}

    /**
     * Wraps a user's dataset, adding a group id and a stable sample index to every sample, with
     * the default sampling (batch size 256, in order).
     *
     * @param dataset the user's dataset; its {@code get(manager, index)} must return the input as
     *     the first data array
     * @param labels the class label of every sample
     * @param attributes the bias attribute of every sample ({@code -1} where unknown)
     * @param spec the group layout the labels and attributes must fit
     * @return the grouped view
     * @see #wrap(RandomAccessDataset, int[], int[], GroupSpec, int, boolean)
     */
    public static GroupedDataset wrap(
            RandomAccessDataset dataset, int[] labels, int[] attributes, GroupSpec spec) {
        return wrap(dataset, labels, attributes, spec, 256, false);
    }

    /**
     * Wraps a user's dataset, adding a group id and a stable sample index to every sample.
     *
     * <p>The inputs of a batch are fetched with the user's {@code get(manager, index)} one sample
     * at a time (on a temporary manager), stacked and converted to float32, so this view is much
     * slower than a {@link GroupedArrayDataset}, which gathers a batch with one native operation;
     * prefer the latter for data that fit in memory. The user's pipelines and transforms are not
     * applied by this view, and closing it does not close the user's dataset.
     *
     * @param dataset the user's dataset; its {@code get(manager, index)} must return the input as
     *     the first data array
     * @param labels the class label of every sample (copied)
     * @param attributes the bias attribute of every sample, {@code -1} where unknown (copied)
     * @param spec the group layout the labels and attributes must fit
     * @param batchSize the batch size of the default sampler
     * @param shuffle whether the default sampler shuffles
     * @return the grouped view
     * @throws IllegalArgumentException if the arrays do not match the dataset's size or the spec
     */
    public static GroupedDataset wrap(
            RandomAccessDataset dataset,
            int[] labels,
            int[] attributes,
            GroupSpec spec,
            int batchSize,
            boolean shuffle) {
        if (labels.length != dataset.size() || attributes.length != dataset.size()) {
            throw new IllegalArgumentException(
                    "the dataset has "
                            + dataset.size()
                            + " samples but "
                            + labels.length
                            + " labels and "
                            + attributes.length
                            + " attributes were given");
        }
        WrappedBuilder builder = new WrappedBuilder();
        builder.setSampling(batchSize, shuffle);
        return new WrappedDataset(builder, dataset, labels.clone(), attributes.clone(), spec);
    }

    private static final class WrappedBuilder
            extends RandomAccessDataset.BaseBuilder<WrappedBuilder> {

        @Override
        protected WrappedBuilder self() {
            return this;
        }
    }

    /** A grouped view of a user's dataset. */
    private static final class WrappedDataset extends GroupedDataset {

        private final RandomAccessDataset dataset;
        private final int size;

        WrappedDataset(
                WrappedBuilder builder,
                RandomAccessDataset dataset,
                int[] labels,
                int[] attributes,
                GroupSpec spec) {
            super(builder, spec, labels, attributes);
            this.dataset = dataset;
            this.size = labels.length;
        }

        /** {@inheritDoc} */
        @Override
        public NDArray features(NDManager manager, long[] indices) {
            try (NDManager scratch = manager.newSubManager()) {
                NDList samples = new NDList(indices.length);
                for (long index : indices) {
                    if (index < 0 || index >= size) {
                        throw new IndexOutOfBoundsException(
                                "sample index " + index + " outside [0, " + size + ")");
                    }
                    Record record = dataset.get(scratch, index);
                    samples.add(record.getData().head());
                }
                NDArray stacked = NDArrays.stack(samples);
                NDArray result =
                        stacked.getDataType() == DataType.FLOAT32
                                ? stacked
                                : stacked.toType(DataType.FLOAT32, false);
                result.attach(manager);
                return result;
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "reading samples " + Arrays.toString(indices) + " failed", e);
            }
        }

        /**
         * {@inheritDoc}
         *
         * <p>Prepares the wrapped dataset.
         */
        @Override
        public void prepare(Progress progress) {
            try {
                dataset.prepare(progress);
            } catch (IOException e) {
                throw new UncheckedIOException("preparing the wrapped dataset failed", e);
            } catch (TranslateException e) {
                throw new IllegalStateException("preparing the wrapped dataset failed", e);
            }
        }
    }
}
