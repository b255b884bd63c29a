package dev.debias.sampler;

import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Record;
import ai.djl.util.Progress;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** A dataset that only has a size: enough for samplers, which never read records. */
final class SizedDataset extends RandomAccessDataset {

    private final long size;

    private SizedDataset(Builder builder, long size) {
        super(builder);
        this.size = size;
    }

    static SizedDataset of(long size) {
        return new SizedDataset(new Builder().setSampling(1, false), size);
    }

    /** Collects all batches of one iterator. */
    static List<List<Long>> batches(Iterator<List<Long>> iterator) {
        List<List<Long>> out = new ArrayList<>();
        iterator.forEachRemaining(out::add);
        return out;
    }

    /** Collects all indices of one iterator, in order. */
    static long[] flat(Iterator<List<Long>> iterator) {
        return batches(iterator).stream()
                .flatMap(List::stream)
                .mapToLong(Long::longValue)
                .toArray();
    }

    @Override
    public Record get(NDManager manager, long index) {
        throw new UnsupportedOperationException("samplers must not read records");
    }

    @Override
    protected long availableSize() {
        return size;
    }

    @Override
    public void prepare(Progress progress) {}

    static final class Builder extends BaseBuilder<Builder> {
        @Override
        protected Builder self() {
            return this;
        }
    }
}
