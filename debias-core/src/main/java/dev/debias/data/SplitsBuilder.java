package dev.debias.data;

/**
 * The settings every builder of {@link GroupedSplits} shares ({@link ColoredMnist}, {@link
 * ImageFolderLayout}, {@link MetadataCsvDataset}): the batch size of the splits' default
 * samplers, the training split shuffled and the others in order.
 *
 * @param <T> the concrete builder, returned by the setters for chaining
 */
public abstract class SplitsBuilder<T extends SplitsBuilder<T>> {

    private int batchSize = 256;

    SplitsBuilder() {}

    /**
     * Returns this builder as its concrete type.
     *
     * @return this
     */
    protected abstract T self();

    /**
     * Sets the batch size of the datasets' default samplers (training shuffled, the others in
     * order).
     *
     * @param size the batch size; default 256
     * @return this builder
     */
    public T optBatchSize(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("batch size " + size + " must be positive");
        }
        this.batchSize = size;
        return self();
    }

    int batchSize() {
        return batchSize;
    }
}
