package dev.debias.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Record;
import ai.djl.training.dataset.Sampler;
import ai.djl.translate.Batchifier;
import ai.djl.util.Progress;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutorService;

/**
 * A DJL {@link RandomAccessDataset} whose samples carry, besides their input, a class label
 * {@code y}, a bias attribute {@code a}, a group id {@code g = y * A + a} and a stable sample
 * index {@code i}.
 *
 * <p>Records and batches have data {@code [x]} and labels {@code [y, g, i]} in the column layout of
 * {@link GroupedLabels}, so the dataset works unchanged with DJL's {@code EasyTrain} and
 * {@code Accuracy}. Batches are assembled natively: implementations gather the rows of a batch
 * with one native indexing operation ({@link #features(NDManager, long[])}) instead of stacking
 * samples one by one, and the result always belongs to the batch's own manager.
 *
 * <p>Label, attribute and group of every sample are also available host-side ({@link
 * #labels()}, {@link #attributes()}, {@link #groups()}) for samplers, metrics and per-sample
 * state.
 */
public abstract class GroupedDataset extends RandomAccessDataset implements AutoCloseable {

    private final GroupSpec spec;
    private final int[] labels;
    private final int[] attributes;
    private final int[] groups;

    /**
     * Creates the dataset, checking every label and attribute against the spec.
     *
     * @param builder the builder holding the sampling settings
     * @param spec the group layout
     * @param labels the class label of every sample (not copied; must not change)
     * @param attributes the bias attribute of every sample, {@code -1} where unknown (not copied)
     * @throws IllegalArgumentException if the arrays differ in length or a value is out of range
     */
    protected GroupedDataset(BaseBuilder<?> builder, GroupSpec spec, int[] labels, int[] attributes) {
        super(builder);
        if (labels.length != attributes.length) {
            throw new IllegalArgumentException(
                    "labels and attributes differ in length: " + labels.length + " vs " + attributes.length);
        }
        this.spec = spec;
        this.labels = labels;
        this.attributes = attributes;
        this.groups = new int[labels.length];
        for (int i = 0; i < labels.length; i++) {
            try {
                groups[i] = spec.groupOf(labels[i], attributes[i]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("sample " + i + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Returns the group layout of this dataset.
     *
     * @return the group spec
     */
    public GroupSpec groupSpec() {
        return spec;
    }

    /**
     * Returns the class label of every sample, indexed by sample index.
     *
     * @return a copy of the labels
     */
    public int[] labels() {
        return labels.clone();
    }

    /**
     * Returns the bias attribute of every sample ({@code -1} where unknown).
     *
     * @return a copy of the attributes
     */
    public int[] attributes() {
        return attributes.clone();
    }

    /**
     * Returns the inputs of the given samples as one float32 array {@code [n, ...]} attached to
     * {@code manager}.
     *
     * @param manager the manager (and device) the result belongs to
     * @param indices the sample indices
     * @return the stacked inputs
     */
    public abstract NDArray features(NDManager manager, long[] indices);

    /**
     * Returns the group id of every sample ({@code -1} where the attribute is unknown).
     *
     * @return the group ids
     */
    public int[] groups() {
        return groups.clone();
    }

    /**
     * Returns the number of samples of each group in this dataset.
     *
     * @return counts indexed by group id
     */
    public long[] countGroups() {
        long[] counts = new long[spec.numGroups()];
        for (int g : groups) {
            if (g >= 0) {
                counts[g]++;
            }
        }
        return counts;
    }

    /**
     * Returns this dataset's group spec with its own group counts: the spec to evaluate other
     * splits with when this is the training set.
     *
     * @return the spec with this dataset's counts
     */
    public GroupSpec countedGroupSpec() {
        return spec.withGroupCounts(countGroups());
    }

    /**
     * Returns whether every sample of this dataset has a known bias attribute.
     *
     * @return true if group labels are complete
     */
    public boolean hasGroupLabels() {
        return Arrays.stream(attributes).allMatch(a -> a >= 0);
    }

    /**
     * Assembles a batch of the given samples on a new sub-manager of {@code manager}. The caller
     * closes the batch.
     *
     * @param manager the parent manager
     * @param indices the sample indices
     * @return the batch, data {@code [x]}, labels {@code [y, g, i]}
     */
    public Batch batch(NDManager manager, long[] indices) {
        return batch(manager, indices, 0, 1);
    }

    private Batch batch(NDManager manager, long[] indices, long progress, long total) {
        NDManager batchManager = manager.newSubManager();
        try {
            NDList data = data(batchManager, indices);
            NDList labels = labelColumns(batchManager, indices);
            List<Long> indexList = new ArrayList<>(indices.length);
            for (long index : indices) {
                indexList.add(index);
            }
            return new Batch(
                    batchManager,
                    data,
                    labels,
                    indices.length,
                    Batchifier.STACK,
                    Batchifier.STACK,
                    progress,
                    total,
                    indexList);
        } catch (RuntimeException e) {
            batchManager.close();
            throw e;
        }
    }

    /**
     * Returns the data list of a batch: {@code [x]} by default; a dataset with several views of
     * each sample (CAMEL's triplets) returns them all.
     *
     * @param manager the batch's manager
     * @param indices the sample indices
     * @return the data list, the features first
     */
    protected NDList data(NDManager manager, long[] indices) {
        return new NDList(features(manager, indices));
    }

    /**
     * Returns the label columns {@code [y, g, i]} of the given samples.
     *
     * @param manager the manager the arrays belong to
     * @param indices the sample indices
     * @return the label list
     */
    public NDList labelColumns(NDManager manager, long[] indices) {
        long[] ys = new long[indices.length];
        long[] gs = new long[indices.length];
        for (int k = 0; k < indices.length; k++) {
            int i = Math.toIntExact(indices[k]);
            ys[k] = labels[i];
            gs[k] = groups[i];
        }
        return new NDList(manager.create(ys), manager.create(gs), manager.create(indices));
    }

    /** {@inheritDoc} */
    @Override
    public Record get(NDManager manager, long index) {
        long[] one = {index};
        NDArray x = features(manager, one).squeeze(0);
        NDList labels = labelColumns(manager, one);
        NDList scalars = new NDList(labels.size());
        for (NDArray column : labels) {
            scalars.add(column.squeeze(0));
        }
        return new Record(new NDList(x), scalars);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Batches are gathered natively, one indexing operation per batch; the executor is not
     * needed and ignored.
     */
    @Override
    public Iterable<Batch> getData(NDManager manager, Sampler sampler, ExecutorService executor) {
        return () -> new BatchIterator(manager, sampler);
    }

    /** {@inheritDoc} */
    @Override
    protected long availableSize() {
        return labels.length;
    }

    /** {@inheritDoc} */
    @Override
    public void prepare(Progress progress) {
        // Data are held in memory from construction on.
    }

    /** {@inheritDoc} */
    @Override
    public void close() {}

    private final class BatchIterator implements Iterator<Batch> {

        private final NDManager manager;
        private final Iterator<List<Long>> indices;
        private final long total;
        private long progress;

        BatchIterator(NDManager manager, Sampler sampler) {
            this.manager = manager;
            this.indices = sampler.sample(GroupedDataset.this);
            int batchSize = Math.max(1, sampler.getBatchSize());
            this.total = (size() + batchSize - 1) / batchSize;
        }

        @Override
        public boolean hasNext() {
            return indices.hasNext();
        }

        @Override
        public Batch next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            List<Long> list = indices.next();
            long[] batchIndices = new long[list.size()];
            for (int k = 0; k < batchIndices.length; k++) {
                batchIndices[k] = list.get(k);
            }
            progress++;
            return batch(manager, batchIndices, progress, total);
        }
    }
}
