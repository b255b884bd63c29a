package dev.debias.sampler;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.IntSupplier;

/**
 * Cuts a stream of {@code total} sample indices into batches of {@code batchSize}; the last batch
 * holds the remainder. Indices are produced lazily by {@code next}.
 */
final class IndexBatchIterator implements Iterator<List<Long>> {

    private final long total;
    private final int batchSize;
    private final IntSupplier next;
    private long emitted;

    IndexBatchIterator(long total, int batchSize, IntSupplier next) {
        this.total = total;
        this.batchSize = batchSize;
        this.next = next;
    }

    /** Batches over a fixed order, optionally dropping the partial last batch. */
    static IndexBatchIterator over(int[] order, int batchSize, boolean dropLast) {
        long total = dropLast ? order.length - order.length % batchSize : order.length;
        int[] position = {0};
        return new IndexBatchIterator(total, batchSize, () -> order[position[0]++]);
    }

    @Override
    public boolean hasNext() {
        return emitted < total;
    }

    @Override
    public List<Long> next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        int n = (int) Math.min(batchSize, total - emitted);
        List<Long> batch = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            batch.add((long) next.getAsInt());
        }
        emitted += n;
        return batch;
    }
}
